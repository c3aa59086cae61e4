#pragma once
// The fast way in for what most of a platform's traffic is: new accounts, new purchases and
// finished jobs. A chunk of events is looked up with a few statements, applied in memory
// (balances, credit lots oldest first, credit-backs, the outbox) and written in bulk, instead
// of a dozen statements per event: what a round trip to PostgreSQL costs is paid per chunk.
// Whatever it does not take (a fact sent again, a request, a chargeback) goes the ordinary way
// through the workflow, after flush(). The rows written are those the ordinary way writes.

#include "models/bulkinserter.h"
#include "models/externalidrepository.h"
#include "models/sqldialect.h"
#include "platformevents.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QSqlDatabase>
#include <array>
#include <vector>

class RefundWorkflow;

class BulkEventApplier
{
public:
    using Kind = ExternalIdRepository::Kind;
    using Envelopes = QList<const PlatformEvents::Envelope *>;

    BulkEventApplier(const QSqlDatabase &conn, RefundWorkflow &workflow, qint64 appliedAt);
    ~BulkEventApplier();
    BulkEventApplier(const BulkEventApplier &) = delete;
    BulkEventApplier &operator=(const BulkEventApplier &) = delete;

    // Claims the ids of a chunk's events with one statement: true for an event applied for
    // the first time; false when it was applied before (in an earlier batch, earlier in this
    // one, or earlier in the chunk). A concurrent batch holding one of the ids is waited for.
    QList<bool> claim(const Envelopes &events);
    // Reads in bulk what the chunk's (claimed) events refer to, and locks their accounts.
    void prepare(const Envelopes &events);
    // Applies an event in memory; false when it must go the ordinary way (call
    // beforeOrdinary(), apply it, then afterOrdinary()). Throws EventProblem having changed
    // nothing.
    bool apply(const PlatformEvents::Envelope &e);
    // Around an event applied the ordinary way: writes what is pending first, and afterwards
    // forgets what that event may have changed.
    void beforeOrdinary();
    void afterOrdinary(const QString &type);
    // The ordinary way gave an external id its internal one.
    void learned(Kind kind, const QString &externalId, qint64 id);
    // Writes what is pending and forgets the chunk: memory stays flat in the input's size.
    void endChunk();

private:
    struct Lot
    {
        qint64 id = 0;
        qint64 createdAt = 0;
        qint64 purchase = 0; // new lots only
        qint64 total = 0;    // new lots only
        qint64 remaining = 0;
        bool isNew = false;
        bool changed = false;
    };
    struct AccountState
    {
        qint64 balance = 0;
        std::vector<Lot> lots; // those with credits left, oldest first
    };
    // Rows are queued with temporary (negative) ids and given real ones when written, in the
    // order they were queued: ids follow the events, whatever went the ordinary way between.
    struct IdPool
    {
        explicit IdPool(const char *t) : table(t) {}
        const char *table;
        qint64 issued = 0;
        std::vector<qint64> real; // of the temporary ids -1, -2, ... once written
        qint64 take() { return -(++issued); }
        qint64 operator()(qint64 id) const { return id < 0 ? real[size_t(-id - 1)] : id; }
    };
    struct NewAccount
    {
        qint64 id = 0;
        qint64 at = 0;
        PlatformEvents::AccountUpserted data;
    };
    struct NewExternal
    {
        Kind kind;
        QString externalId;
        qint64 id = 0;
    };
    struct NewPurchase
    {
        qint64 id = 0, account = 0, at = 0;
        PlatformEvents::PurchaseCompleted data;
    };
    struct NewJob
    {
        qint64 id = 0, account = 0, at = 0;
        PlatformEvents::JobFinished data;
    };
    struct NewEntry
    {
        qint64 id = 0, account = 0, at = 0, credits = 0, purchase = 0, job = 0;
        const char *type = "";
        QString note;
    };
    struct Outgoing
    {
        qint64 at = 0;
        QString data;
    };

    bool applyAccount(const PlatformEvents::Envelope &e);
    bool applyPurchase(const PlatformEvents::Envelope &e);
    bool applyJob(const PlatformEvents::Envelope &e);
    void flush();

    qint64 lookup(Kind kind, const QString &externalId);
    qint64 lookupOwner(QHash<QString, qint64> &cache, const char *sql, const QString &key);
    AccountState &state(qint64 account);
    void loadStates(const QList<qint64> &accounts);
    void assignIds(IdPool &pool);
    IdPool &poolOf(Kind kind);
    void addLot(qint64 account, AccountState &s, const Lot &lot);
    void spend(qint64 account, AccountState &s, qint64 credits);
    QString externalOf(Kind kind, qint64 id);

    QSqlDatabase m_conn;
    SqlDialect m_dialect;
    RefundWorkflow &m_workflow;
    qint64 m_appliedAt;
    qint64 m_ledgerMark = 0;

    std::array<QHash<QString, qint64>, 5> m_ids; // by kind; 0: known not to exist
    QHash<QString, qint64> m_emails;             // email -> account; 0: free
    QHash<QString, qint64> m_paymentRefs;        // payment reference -> purchase; 0: free
    QHash<QString, bool> m_profiles;             // profile id -> known
    QHash<qint64, AccountState> m_states;
    QSet<qint64> m_dirty; // accounts whose balance or lots moved since the last write

    IdPool m_accountIds{"accounts"}, m_purchaseIds{"purchases"}, m_lotIds{"credit_lots"},
        m_jobIds{"jobs"}, m_ledgerIds{"ledger_entries"};

    std::vector<NewAccount> m_newAccounts;
    std::vector<NewExternal> m_newExternals;
    std::vector<NewPurchase> m_newPurchases;
    std::vector<NewJob> m_newJobs;
    std::vector<NewEntry> m_newEntries;
    std::vector<Outgoing> m_outgoing;
    BulkInserter m_accountWriter, m_externalWriter, m_purchaseWriter, m_lotWriter, m_jobWriter,
        m_ledgerWriter, m_outboxWriter;
};
