#include "welcomepage.h"

#include "models/database.h"
#include "models/databaseerror.h"
#include "policy/demodatagenerator.h"
#include "policy/eventintake.h"
#include "policy/refundworkflow.h"

#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QThread>
#include <QVBoxLayout>

WelcomePage::WelcomePage(Database &database, QWidget *parent)
    : QWidget(parent), m_database(database),
      m_connect(new QPushButton(tr("&Connect to another database…"))),
      m_import(new QPushButton(tr("&Import the platform's events from a file…"))),
      m_demo(new QPushButton(tr("Create &demo data (2,000 accounts)"))),
      m_progress(new QProgressBar), m_status(new QLabel), m_problems(new QPlainTextEdit)
{
    setObjectName(QStringLiteral("welcomePage"));
    auto *outer = new QVBoxLayout(this);
    outer->addStretch(1);
    auto *box = new QWidget;
    box->setMaximumWidth(640);
    auto *layout = new QVBoxLayout(box);
    auto *title = new QLabel(tr("<h2>This database has no accounts yet</h2>"));
    auto *text = new QLabel(
        tr("Refund Desk works on your platform's accounts, purchases, jobs and refund requests. "
           "Bring them in, or look around on demo data first.\n\nDatabase: %1")
            .arg(database.url().toDisplayString()));
    text->setWordWrap(true);
    layout->addWidget(title);
    layout->addWidget(text);
    m_import->setToolTip(tr("An NDJSON file of events as the platform sends them (see "
                            "\"Connecting your platform\" in the README). All of it is applied, "
                            "or none."));
    for (QPushButton *b : {m_import, m_demo, m_connect}) {
        b->setMinimumHeight(36);
        layout->addWidget(b);
    }
    m_progress->setRange(0, 0);
    m_progress->hide();
    layout->addWidget(m_progress);
    m_status->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("welcomeStatus"));
    layout->addWidget(m_status);
    m_problems->setObjectName(QStringLiteral("welcomeProblems"));
    m_problems->setReadOnly(true);
    m_problems->hide();
    layout->addWidget(m_problems);
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(box, 3);
    row->addStretch(1);
    outer->addLayout(row);
    outer->addStretch(2);

    connect(m_connect, &QPushButton::clicked, this, &WelcomePage::connectRequested);
    connect(m_import, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Import events"), QString(),
                                         tr("Events (*.ndjson *.jsonl *.json);;All files (*)"));
        if (!path.isEmpty())
            importFile(path);
    });
    connect(m_demo, &QPushButton::clicked, this, &WelcomePage::createDemo);
}

void WelcomePage::setBusy(bool busy, const QString &what)
{
    m_busy = busy;
    for (QPushButton *b : {m_connect, m_import, m_demo})
        b->setEnabled(!busy);
    m_progress->setVisible(busy);
    if (!what.isEmpty())
        m_status->setText(what);
}

void WelcomePage::importFile(const QString &path)
{
    m_problems->hide();
    setBusy(true, tr("Importing %1…").arg(path));
    // The intake runs on a thread of its own (with its own connection); the page shows
    // progress and stays responsive.
    QThread *worker = QThread::create([this, path] {
        QString outcome;
        QStringList problems;
        bool applied = false;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            outcome = tr("%1: cannot read: %2").arg(path, file.errorString());
        } else {
            try {
                RefundWorkflow workflow(m_database);
                EventIntake intake(m_database, workflow);
                NdjsonSource source(&file);
                EventIntake::Options options;
                options.progress = [this](qint64 read) {
                    QMetaObject::invokeMethod(this, [this, read] {
                        m_status->setText(tr("Importing… %1 events read").arg(read));
                    });
                };
                const IntakeResult result = intake.ingest(source, options);
                if (result.ok()) {
                    applied = true;
                    outcome = tr("%1 events applied (%2 already known).")
                                  .arg(result.applied)
                                  .arg(result.duplicates);
                } else {
                    outcome = tr("The file was refused: nothing was written. %1 of %2 events "
                                 "have a problem:")
                                  .arg(result.errorCount)
                                  .arg(result.read);
                    for (const IntakeError &e : result.errors)
                        problems << e.describe();
                    if (result.errorCount > result.errors.size())
                        problems
                            << tr("... and %1 more").arg(result.errorCount - result.errors.size());
                }
            } catch (const DatabaseError &e) {
                outcome = tr("The import failed, nothing was written: %1").arg(e.message());
            }
            m_database.releaseConnection();
        }
        QMetaObject::invokeMethod(this, [this, outcome, problems, applied] {
            setBusy(false, outcome);
            m_problems->setPlainText(problems.join(QLatin1Char('\n')));
            m_problems->setVisible(!problems.isEmpty());
            if (applied)
                emit dataLoaded();
        });
    });
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    worker->start();
}

void WelcomePage::createDemo()
{
    m_problems->hide();
    setBusy(true, tr("Creating demo data…"));
    QThread *worker = QThread::create([this] {
        QString outcome;
        bool done = false;
        try {
            DemoOptions options;
            options.accounts = 2000;
            DemoDataGenerator(m_database).generate(options, [this](qint64 n, qint64 total) {
                QMetaObject::invokeMethod(this, [this, n, total] {
                    m_status->setText(
                        tr("Creating demo data… %1 of %2 accounts").arg(n).arg(total));
                });
            });
            RefundWorkflow(m_database).triage();
            done = true;
        } catch (const DatabaseError &e) {
            outcome = tr("The demo data could not be created: %1").arg(e.message());
        }
        m_database.releaseConnection();
        QMetaObject::invokeMethod(this, [this, outcome, done] {
            setBusy(false, outcome);
            if (done)
                emit dataLoaded();
        });
    });
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    worker->start();
}
