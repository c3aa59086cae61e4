#pragma once
// A bar above the tables that says the database cannot be reached and that it is retrying.

#include <QFrame>

class QLabel;
class QPushButton;

class ConnectionBanner : public QFrame
{
    Q_OBJECT
public:
    explicit ConnectionBanner(QWidget *parent = nullptr);

    void showLost(const QString &message);
    QString message() const;

signals:
    void retryRequested();

private:
    QLabel *m_text;
    QPushButton *m_retry;
};
