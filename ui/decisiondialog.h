#pragma once
// Approve, deny or escalate one request: shows what will happen, asks for what the policy
// needs (an amount, a reason, an override note) and keeps everything typed when it fails.

#include "policy/refundworkflow.h"
#include "policy/requestdossier.h"

#include <QDialog>
#include <functional>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

class DecisionDialog : public QDialog
{
    Q_OBJECT
public:
    using Submit = std::function<DecisionResult(const ReviewDecision &)>;

    DecisionDialog(ReviewAction action, const RequestDossier &dossier, const QString &reviewer,
                   Submit submit, QWidget *parent = nullptr);

    // Deciding this way goes against the recommendation.
    bool isOverride() const { return m_override; }
    // The signed-in role may not override (a reviewer on a team's database): an override is
    // refused here with `why`, as the database would refuse it.
    void forbidOverride(const QString &why);
    // After accept(): what the workflow did.
    const DecisionResult &result() const { return m_result; }
    // The decision the inputs describe now, or an error saying what is missing.
    std::optional<ReviewDecision> decision(QString *error) const;

    void accept() override;

private:
    void buildAmount(QLayout *form);
    void showError(const QString &message);

    ReviewAction m_action;
    RequestDossier m_dossier;
    QString m_reviewer;
    Submit m_submit;
    bool m_override = false;
    bool m_alreadyCompensated = false; // rule 11: approving is refused; Approve is disabled
    qint64 m_maxCents = 0;             // 0: no money amount in this decision
    DecisionResult m_result;
    QLineEdit *m_amount = nullptr;
    QComboBox *m_reason = nullptr;
    QPlainTextEdit *m_note;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
};
