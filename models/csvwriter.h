#pragma once
// Writes RFC 4180 CSV (CRLF, quotes doubled, fields with comma, quote or line break quoted) in
// UTF-8, and neutralises text a spreadsheet would run as a formula, as OWASP advises.

#include <QByteArray>
#include <QIODevice>
#include <QStringView>

#include <memory>

class CsvWriter
{
public:
    // `bom`: start with a UTF-8 byte order mark, so Excel reads the file as UTF-8.
    explicit CsvWriter(QIODevice *device, bool bom = false);
    ~CsvWriter();
    CsvWriter(const CsvWriter &) = delete;
    CsvWriter &operator=(const CsvWriter &) = delete;

    // A text cell: neutralised when it starts like a formula, quoted when needed.
    void text(QStringView value);
    void text(QByteArrayView utf8);
    // A number or a decimal amount, written as is (never neutralised: "-12.50" stays a number).
    void number(qint64 value);
    void number(QByteArrayView ascii);
    void empty();
    void endRow();
    // Writes what is buffered; false (with errorString()) when the device refused, e.g. a full
    // disk.
    bool flush();
    QString errorString() const { return m_error; }

    // The cell as written, for tests and for one-off use.
    static QByteArray textCell(QByteArrayView utf8);

private:
    void separator();
    // Room for `bytes` more at m_size (flushing first when the buffer is full); millions of
    // cells go through here, so it is a plain buffer and memcpy, not QByteArray::append.
    char *reserve(qsizetype bytes);
    void put(QByteArrayView bytes);

    QIODevice *m_device;
    std::unique_ptr<char[]> m_buffer;
    qsizetype m_capacity = 0;
    qsizetype m_size = 0;
    bool m_rowStarted = false;
    QString m_error;
};
