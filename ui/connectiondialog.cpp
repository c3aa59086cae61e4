#include "connectiondialog.h"

#include "models/database.h"
#include "models/databaseerror.h"
#include "passwordstore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace {
const QString group = QStringLiteral("connection/");
}

ConnectionDialog::ConnectionDialog(const DatabaseUrl &current, const QString &reviewer,
                                   QWidget *parent)
    : QDialog(parent), m_sqlite(new QRadioButton(tr("A &file on this computer (SQLite)"))),
      m_postgres(new QRadioButton(tr("A &shared database (PostgreSQL)"))),
      m_pages(new QStackedWidget), m_file(new QLineEdit), m_host(new QLineEdit),
      m_port(new QSpinBox), m_database(new QLineEdit), m_user(new QLineEdit),
      m_password(new QLineEdit), m_rememberPassword(new QCheckBox(tr("Re&member the password"))),
      m_sslMode(new QComboBox), m_sslRootCert(new QLineEdit), m_reviewer(new QLineEdit),
      m_error(new QLabel)
{
    setWindowTitle(tr("Connect to a database"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_sqlite);
    layout->addWidget(m_postgres);

    auto *filePage = new QWidget;
    auto *fileRow = new QHBoxLayout(filePage);
    fileRow->setContentsMargins(0, 0, 0, 0);
    auto *browse = new QPushButton(tr("&Browse…"));
    fileRow->addWidget(m_file, 1);
    fileRow->addWidget(browse);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file =
            QFileDialog::getSaveFileName(this, tr("Open or create a database file"), m_file->text(),
                                         tr("Refund Desk databases (*.db *.sqlite);;All files (*)"),
                                         nullptr, QFileDialog::DontConfirmOverwrite);
        if (!file.isEmpty())
            m_file->setText(file);
    });

    auto *pgPage = new QWidget;
    auto *pgForm = new QFormLayout(pgPage);
    pgForm->setContentsMargins(0, 0, 0, 0);
    m_port->setRange(1, 65535);
    m_password->setEchoMode(QLineEdit::Password);
    pgForm->addRow(tr("&Host:"), m_host);
    pgForm->addRow(tr("&Port:"), m_port);
    pgForm->addRow(tr("&Database:"), m_database);
    pgForm->addRow(tr("&User:"), m_user);
    pgForm->addRow(tr("Pass&word:"), m_password);
    pgForm->addRow(QString(), m_rememberPassword);
    // Encryption: libpq's default (prefer) falls back to plain text without a word.
    m_sslMode->addItem(tr("Prefer encryption (libpq's default)"), QString());
    m_sslMode->addItem(tr("Require encryption"), QStringLiteral("require"));
    m_sslMode->addItem(tr("Require encryption and verify the server (CA file)"),
                       QStringLiteral("verify-full"));
    m_sslMode->addItem(tr("No encryption"), QStringLiteral("disable"));
    m_sslMode->setToolTip(tr("\"Require\" refuses to connect without TLS; \"verify\" also checks "
                             "the server's certificate against the CA file and its host name."));
    pgForm->addRow(tr("&Encryption:"), m_sslMode);
    m_sslRootCert->setPlaceholderText(tr("/etc/ssl/certs/your-team-ca.pem"));
    pgForm->addRow(tr("&CA file:"), m_sslRootCert);
    auto updateCa = [this] {
        m_sslRootCert->setEnabled(m_sslMode->currentData().toString() ==
                                  QLatin1String("verify-full"));
    };
    connect(m_sslMode, &QComboBox::currentIndexChanged, this, updateCa);
    m_pages->addWidget(filePage);
    m_pages->addWidget(pgPage);
    layout->addWidget(m_pages);

    auto *who = new QFormLayout;
    m_reviewer->setPlaceholderText(tr("Your name, recorded with every decision"));
    who->addRow(tr("&Reviewer:"), m_reviewer);
    layout->addLayout(who);

    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #c62828; font-weight: bold; }"));
    m_error->hide();
    layout->addWidget(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectionDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_sqlite, &QRadioButton::toggled, this,
            [this](bool on) { m_pages->setCurrentIndex(on ? 0 : 1); });

    // What is open now, else what was remembered.
    QSettings s;
    m_file->setText(
        current.backend() == DatabaseUrl::Backend::Sqlite
            ? current.path()
            : s.value(group + QStringLiteral("file"), Database::defaultUrl().path()).toString());
    const bool pg = current.backend() == DatabaseUrl::Backend::Postgres;
    m_host->setText(
        pg ? current.host()
           : s.value(group + QStringLiteral("host"), QStringLiteral("localhost")).toString());
    m_port->setValue(pg ? current.port() : s.value(group + QStringLiteral("port"), 5432).toInt());
    m_database->setText(pg ? current.databaseName()
                           : s.value(group + QStringLiteral("database")).toString());
    m_user->setText(pg ? current.user() : s.value(group + QStringLiteral("user")).toString());
    const QString sslMode =
        pg ? current.sslMode() : s.value(group + QStringLiteral("sslmode")).toString();
    m_sslMode->setCurrentIndex(std::max(0, m_sslMode->findData(sslMode)));
    m_sslRootCert->setText(pg ? current.sslRootCert()
                              : s.value(group + QStringLiteral("sslrootcert")).toString());
    updateCa();
    // A password an older version kept in the settings file moves to the keychain; so does
    // the choice to remember it, which the keychain itself now answers.
    if (s.contains(group + QStringLiteral("password"))) {
        QString ignored;
        PasswordStore::write(rememberedKey(),
                             s.value(group + QStringLiteral("password")).toString(), &ignored);
        s.remove(group + QStringLiteral("password"));
    }
    s.remove(group + QStringLiteral("rememberPassword"));
    const std::optional<QString> remembered =
        pg ? std::nullopt : PasswordStore::read(rememberedKey());
    m_password->setText(pg ? current.password() : remembered.value_or(QString()));
    m_rememberPassword->setChecked(remembered.has_value());
    m_reviewer->setText(reviewer);
    (pg ? m_postgres : m_sqlite)->setChecked(true);
    m_pages->setCurrentIndex(pg ? 1 : 0);
    resize(480, sizeHint().height());
}

DatabaseUrl ConnectionDialog::url() const
{
    if (m_sqlite->isChecked())
        return DatabaseUrl::sqliteFile(m_file->text().trimmed());
    DatabaseUrl url = DatabaseUrl::postgres(m_host->text(), m_port->value(), m_user->text(),
                                            m_password->text(), m_database->text());
    const QString mode = m_sslMode->currentData().toString();
    url.setSsl(mode,
               mode == QLatin1String("verify-full") ? m_sslRootCert->text().trimmed() : QString());
    return url;
}

QString ConnectionDialog::reviewer() const
{
    return m_reviewer->text().trimmed();
}

void ConnectionDialog::accept()
{
    if (reviewer().isEmpty()) {
        m_error->setText(tr("Enter your name: every decision records who took it."));
        m_error->show();
        m_reviewer->setFocus();
        return;
    }
    const DatabaseUrl target = url();
    if (!target.isValid()) {
        m_error->setText(target.errorString());
        m_error->show();
        return;
    }
    // A mistyped path must not quietly become a new, empty database: ask first.
    if (m_sqlite->isChecked() && !QFileInfo::exists(target.path())) {
        const auto answer = QMessageBox::question(
            this, tr("Create a new database?"),
            tr("There is no database file at\n%1\n\nCreate a new, empty one there?")
                .arg(target.path()),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            m_error->setText(
                tr("No database file at %1: check the path, or create one.").arg(target.path()));
            m_error->show();
            m_file->setFocus();
            return;
        }
    }
    try {
        Database probe(target);
        probe.open(Database::Migrate::No);
    } catch (const DatabaseError &e) {
        m_error->setText(e.message());
        m_error->show();
        return;
    }
    remember();
    QDialog::accept();
}

void ConnectionDialog::remember()
{
    QSettings s;
    s.setValue(group + QStringLiteral("kind"),
               m_sqlite->isChecked() ? QStringLiteral("sqlite") : QStringLiteral("postgresql"));
    s.setValue(group + QStringLiteral("file"), m_file->text().trimmed());
    s.setValue(group + QStringLiteral("host"), m_host->text().trimmed());
    s.setValue(group + QStringLiteral("port"), m_port->value());
    s.setValue(group + QStringLiteral("database"), m_database->text().trimmed());
    s.setValue(group + QStringLiteral("user"), m_user->text().trimmed());
    s.setValue(group + QStringLiteral("sslmode"), m_sslMode->currentData().toString());
    s.setValue(group + QStringLiteral("sslrootcert"), m_sslRootCert->text().trimmed());
    // The password goes to the system keychain, never into this file; whether it is remembered
    // is whether the keychain holds it.
    const QString key = PasswordStore::keyFor(m_user->text().trimmed(), m_host->text().trimmed(),
                                              m_port->value(), m_database->text().trimmed());
    QString error;
    if (m_sqlite->isChecked() || !m_rememberPassword->isChecked())
        PasswordStore::remove(key);
    else if (!PasswordStore::write(key, m_password->text(), &error))
        QMessageBox::warning(this, tr("Password not remembered"),
                             tr("The system keychain could not keep the password (%1). It is "
                                "not remembered: you will be asked for it next time.")
                                 .arg(error));
    rememberReviewer(reviewer());
}

QString ConnectionDialog::rememberedKey()
{
    QSettings s;
    return PasswordStore::keyFor(s.value(group + QStringLiteral("user")).toString(),
                                 s.value(group + QStringLiteral("host")).toString(),
                                 s.value(group + QStringLiteral("port"), 5432).toInt(),
                                 s.value(group + QStringLiteral("database")).toString());
}

DatabaseUrl ConnectionDialog::rememberedUrl()
{
    QSettings s;
    const QString kind = s.value(group + QStringLiteral("kind")).toString();
    if (kind == QLatin1String("sqlite"))
        return DatabaseUrl::sqliteFile(s.value(group + QStringLiteral("file")).toString());
    if (kind == QLatin1String("postgresql")) {
        DatabaseUrl url =
            DatabaseUrl::postgres(s.value(group + QStringLiteral("host")).toString(),
                                  s.value(group + QStringLiteral("port"), 5432).toInt(),
                                  s.value(group + QStringLiteral("user")).toString(),
                                  PasswordStore::read(rememberedKey()).value_or(QString()),
                                  s.value(group + QStringLiteral("database")).toString());
        url.setSsl(s.value(group + QStringLiteral("sslmode")).toString(),
                   s.value(group + QStringLiteral("sslrootcert")).toString());
        return url;
    }
    return {};
}

QString ConnectionDialog::rememberedReviewer()
{
    QString name = QSettings().value(QStringLiteral("reviewer/name")).toString();
    if (name.isEmpty())
        name = qEnvironmentVariable("USER");
    return name;
}

void ConnectionDialog::rememberReviewer(const QString &name)
{
    QSettings().setValue(QStringLiteral("reviewer/name"), name);
}
