#pragma once
// RAII write transaction: takes the write lock up front, rolls back unless committed.

#include <QSqlDatabase>

class Database;

class WriteTransaction
{
public:
    explicit WriteTransaction(Database &database);
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction &) = delete;
    WriteTransaction &operator=(const WriteTransaction &) = delete;

    QSqlDatabase connection() const { return m_db; }
    void commit();

private:
    QSqlDatabase m_db;
    bool m_open = false;
};
