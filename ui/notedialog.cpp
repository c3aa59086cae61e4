#include "notedialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

NoteDialog::NoteDialog(qint64 requestId, Save save, QWidget *parent)
    : QDialog(parent), m_save(std::move(save)), m_text(new QPlainTextEdit), m_error(new QLabel),
      m_label(new QLabel(tr("Internal &note (only reviewers see it):")))
{
    setWindowTitle(tr("Note on request %1").arg(requestId));
    auto *layout = new QVBoxLayout(this);
    m_label->setBuddy(m_text);
    m_label->setWordWrap(true);
    layout->addWidget(m_label);
    m_text->setTabChangesFocus(true);
    layout->addWidget(m_text);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #c62828; font-weight: bold; }"));
    m_error->setWordWrap(true);
    m_error->hide();
    layout->addWidget(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    layout->addWidget(buttons);
    m_saveButton = buttons->button(QDialogButtonBox::Save);
    connect(buttons, &QDialogButtonBox::accepted, this, &NoteDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (const QKeySequence &keys :
         {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)})
        connect(new QShortcut(keys, this), &QShortcut::activated, this, &NoteDialog::accept);
    m_text->setFocus();
    resize(460, 240);
}

void NoteDialog::setPrompt(const QString &title, const QString &label, const QString &saveText)
{
    setWindowTitle(title);
    m_label->setText(label);
    m_saveButton->setText(saveText);
}

QString NoteDialog::note() const
{
    return m_text->toPlainText().trimmed();
}

void NoteDialog::setNote(const QString &text)
{
    m_text->setPlainText(text);
}

void NoteDialog::accept()
{
    if (note().isEmpty()) {
        m_error->setText(tr("Write the note first."));
        m_error->show();
        return;
    }
    const QString error = m_save(note());
    if (!error.isEmpty()) {
        m_error->setText(tr("Not saved: %1").arg(error));
        m_error->show();
        return;
    }
    QDialog::accept();
}
