#pragma once
// The remembered database password, kept in the system keychain (Secret Service, KWallet,
// macOS Keychain), never in the settings file.

#include <QString>
#include <optional>

namespace PasswordStore {
// The keychain entry of a PostgreSQL login.
QString keyFor(const QString &user, const QString &host, int port, const QString &database);
// The stored password; nullopt when there is none or no keychain answers.
std::optional<QString> read(const QString &key);
// False with `error` when no keychain could keep it (then nothing is remembered).
bool write(const QString &key, const QString &password, QString *error);
void remove(const QString &key);
} // namespace PasswordStore
