#pragma once

class QCoreApplication;

// The interface speaks the user's language: Qt's own strings (standard buttons, dialogs)
// from Qt's translations, ours from the catalogues compiled into the binary (de, fr).
// English needs nothing. Both programs call this once, right after the application object
// exists; the translators live as long as the application.
namespace Translations {
void install(QCoreApplication &app);
}
