#pragma once
// Accounts as a table, fetched lazily in chunks as the view scrolls.

#include <QSqlQueryModel>

class AccountTableModel : public QSqlQueryModel
{
    Q_OBJECT
public:
    explicit AccountTableModel(QObject *parent = nullptr);

    // Shows the accounts whose email or name contains `text` (all when empty). Throws
    // DatabaseError.
    void load(const QSqlDatabase &db, const QString &text = {});
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    // Looked up once per load(), not per painted cell.
    int m_nameColumn = -1;
    int m_balanceColumn = -1;
    int m_createdColumn = -1;
};
