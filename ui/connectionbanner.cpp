#include "connectionbanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

ConnectionBanner::ConnectionBanner(QWidget *parent)
    : QFrame(parent), m_text(new QLabel), m_retry(new QPushButton(tr("&Retry now")))
{
    setObjectName(QStringLiteral("connectionBanner"));
    setStyleSheet(QStringLiteral("#connectionBanner { background: #c62828; }"
                                 " #connectionBanner QLabel { color: white; font-weight: bold; }"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_retry);
    connect(m_retry, &QPushButton::clicked, this, &ConnectionBanner::retryRequested);
    hide();
}

void ConnectionBanner::showLost(const QString &message)
{
    m_text->setText(tr("The database cannot be reached; retrying every few seconds. "
                       "Nothing you type is lost.\n%1")
                        .arg(message));
    show();
}

QString ConnectionBanner::message() const
{
    return m_text->text();
}
