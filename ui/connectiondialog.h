#pragma once
// Opens a SQLite file or connects to a shared PostgreSQL database; remembers the choice (no
// password unless asked) and the reviewer's name.

#include "models/databaseurl.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QSpinBox;
class QStackedWidget;

class ConnectionDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectionDialog(const DatabaseUrl &current, const QString &reviewer,
                              QWidget *parent = nullptr);

    DatabaseUrl url() const;
    QString reviewer() const;
    // Tries the connection before closing; an error keeps the dialog open with what was typed.
    void accept() override;

    // What the last accepted dialog chose (default: none, meaning the built-in demo file).
    static DatabaseUrl rememberedUrl();
    // The keychain entry of the remembered PostgreSQL login.
    static QString rememberedKey();
    static QString rememberedReviewer();
    static void rememberReviewer(const QString &name);

private:
    void remember();

    QRadioButton *m_sqlite;
    QRadioButton *m_postgres;
    QStackedWidget *m_pages;
    QLineEdit *m_file;
    QLineEdit *m_host;
    QSpinBox *m_port;
    QLineEdit *m_database;
    QLineEdit *m_user;
    QLineEdit *m_password;
    QCheckBox *m_rememberPassword;
    class QComboBox *m_sslMode;
    QLineEdit *m_sslRootCert;
    QLineEdit *m_reviewer;
    QLabel *m_error;
};
