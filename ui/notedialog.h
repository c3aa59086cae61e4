#pragma once
// Writes an internal note on a request; keeps the text when saving fails.

#include <QDialog>
#include <functional>

class QLabel;
class QPlainTextEdit;

class NoteDialog : public QDialog
{
    Q_OBJECT
public:
    // `save` stores the note and returns an error message, empty on success.
    using Save = std::function<QString(const QString &note)>;
    NoteDialog(qint64 requestId, Save save, QWidget *parent = nullptr);

    // Another use of the dialog (a payout's retry): its title, the label and the save button.
    void setPrompt(const QString &title, const QString &label, const QString &saveText);

    QString note() const;
    void setNote(const QString &text);
    void accept() override;

private:
    Save m_save;
    QPlainTextEdit *m_text;
    QLabel *m_error;
    QLabel *m_label;
    class QPushButton *m_saveButton;
};
