#pragma once
// RAII write transaction: takes the write lock up front, rolls back unless committed.

#include "databaseerror.h"

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

    // Runs `work(connection)` in a write transaction and commits; a serialization failure or a
    // deadlock (which roll everything back) runs it again, up to 8 times. Throws DatabaseError.
    template <typename F> static auto run(Database &database, F &&work);

private:
    static bool retryable(Database &database, const DatabaseError &e);

    QSqlDatabase m_db;
    bool m_open = false;
};

template <typename F> auto WriteTransaction::run(Database &database, F &&work)
{
    constexpr int attempts = 8;
    for (int attempt = 1;; ++attempt) {
        try {
            WriteTransaction tx(database);
            auto result = work(tx.connection());
            tx.commit();
            return result;
        } catch (const DatabaseError &e) {
            if (attempt == attempts || !retryable(database, e))
                throw;
        }
    }
}
