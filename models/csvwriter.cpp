#include "csvwriter.h"

namespace {
constexpr qsizetype flushAt = 1 << 16;
}

CsvWriter::CsvWriter(QIODevice *device, bool bom) : m_device(device)
{
    m_buffer.reserve(flushAt + 4096);
    if (bom)
        m_buffer.append("\xEF\xBB\xBF");
}

CsvWriter::~CsvWriter()
{
    flush();
}

QByteArray CsvWriter::textCell(const QByteArray &utf8)
{
    // OWASP: a cell starting with = + - @ tab or carriage return is a formula to a spreadsheet;
    // a leading apostrophe makes it text. The whole cell is then quoted.
    const bool formula = !utf8.isEmpty() && (utf8[0] == '=' || utf8[0] == '+' || utf8[0] == '-' ||
                                             utf8[0] == '@' || utf8[0] == '\t' || utf8[0] == '\r');
    bool quote = formula;
    for (const char c : utf8)
        if (c == ',' || c == '"' || c == '\n' || c == '\r') {
            quote = true;
            break;
        }
    if (!quote)
        return utf8;
    QByteArray cell;
    cell.reserve(utf8.size() + 4);
    cell += '"';
    if (formula)
        cell += '\'';
    for (const char c : utf8) {
        if (c == '"')
            cell += '"';
        cell += c;
    }
    cell += '"';
    return cell;
}

void CsvWriter::separator()
{
    if (m_rowStarted)
        m_buffer += ',';
    m_rowStarted = true;
}

void CsvWriter::text(QStringView value)
{
    text(value.toUtf8());
}

void CsvWriter::text(const QByteArray &utf8)
{
    separator();
    m_buffer += textCell(utf8);
}

void CsvWriter::number(qint64 value)
{
    separator();
    m_buffer += QByteArray::number(value);
}

void CsvWriter::number(const QByteArray &ascii)
{
    separator();
    m_buffer += ascii;
}

void CsvWriter::empty()
{
    separator();
}

void CsvWriter::endRow()
{
    m_buffer += "\r\n";
    m_rowStarted = false;
    if (m_buffer.size() >= flushAt)
        flush();
}

bool CsvWriter::flush()
{
    if (m_buffer.isEmpty() || !m_error.isEmpty())
        return m_error.isEmpty();
    const qint64 written = m_device->write(m_buffer);
    if (written != m_buffer.size()) {
        m_error = m_device->errorString();
        if (m_error.isEmpty())
            m_error = QStringLiteral("short write");
        return false;
    }
    m_buffer.clear();
    return true;
}
