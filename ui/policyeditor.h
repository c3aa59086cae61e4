#pragma once
// A lead's page: a company's own policy profile edited as a form (every parameter the engine
// reads, every clause with its quoted text), previewed on real requests before saving, saved as
// a new immutable version, and compared with any saved version side by side.

#include "policy/policypreview.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QWidget>
#include <atomic>
#include <memory>

class Database;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTextBrowser;
class QThread;

class PolicyEditor : public QWidget
{
    Q_OBJECT
public:
    explicit PolicyEditor(Database &database, QWidget *parent = nullptr);
    ~PolicyEditor() override;

    // Who saves (on a team's database the database records the signed-in login anyway).
    void setAuthor(const QString &name) { m_author = name; }
    // Whether this session may save: on a team's database a lead's; `why` says who may.
    void setMaySave(bool may, const QString &why);
    // Opens a built-in profile or a stored version (0: the newest) in the form. Returns false
    // (and says why below the form) when there is no such profile.
    bool open(const QString &name, int version = 0);
    // The form as a profile's JSON.
    QByteArray draftJson() const;
    QString problem() const;
    bool isPreviewRunning() const { return m_previewThread != nullptr; }

signals:
    void saved(const QString &id, int version);

private:
    enum class Kind
    {
        Text,
        Days,    // a whole number, or "not stated" (JSON null)
        Number,  // a whole number
        Choice,  // one of the listed words
        Flag,    // true or false
        Actions, // a list of the listed words
        Dates    // a list of dates, written comma-separated
    };
    struct Field
    {
        QString key;
        Kind kind;
        QWidget *widget;
    };

    void buildForm(QWidget *form);
    void addField(class QFormLayout *layout, const QString &key, const QString &label, Kind kind,
                  const QStringList &choices = {}, int maximum = 0, const QString &notStated = {});
    void fill(const QJsonObject &profile);
    void save();
    void runPreview();
    void showPreview(const PreviewResult &result, qint64 ms);
    void reloadVersions();
    void compare();
    // Puts one account, or every account of another profile, on the profile opened.
    void assignAccounts(bool all);
    void say(const QString &text, bool bad);

    Database &m_database;
    QString m_author;
    QString m_openName; // the profile the form was opened from
    QJsonObject m_base; // what was opened, for the keys the form does not show
    QList<Field> m_fields;
    QComboBox *m_start;
    class QLineEdit *m_account;
    QComboBox *m_from;
    QLabel *m_title;
    QTableWidget *m_clauses;
    QLabel *m_problem;
    QPushButton *m_save;
    QSpinBox *m_days;
    QPushButton *m_previewButton;
    QProgressBar *m_progress;
    QTextBrowser *m_previewText;
    QTableWidget *m_versions;
    QTableWidget *m_diff;
    QThread *m_previewThread = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};
