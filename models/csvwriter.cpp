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

void CsvWriter::appendText(QByteArray &out, QByteArrayView utf8)
{
    // OWASP: a cell starting with = + - @ tab or carriage return is a formula to a spreadsheet;
    // a leading apostrophe makes it text. The whole cell is then quoted.
    const char first = utf8.isEmpty() ? '\0' : utf8.front();
    const bool formula = first == '=' || first == '+' || first == '-' || first == '@' ||
                         first == '\t' || first == '\r';
    bool quote = formula;
    // A semicolon or a tab too: a spreadsheet that splits on them (a European locale's CSV)
    // would otherwise start a new cell there, and "x;=1+1" would run =1+1 as a formula.
    for (const char c : utf8)
        if (c == ',' || c == '"' || c == '\n' || c == '\r' || c == ';' || c == '\t') {
            quote = true;
            break;
        }
    if (!quote) {
        out.append(utf8);
        return;
    }
    out += '"';
    if (formula)
        out += '\'';
    for (const char c : utf8) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

QByteArray CsvWriter::textCell(QByteArrayView utf8)
{
    QByteArray cell;
    appendText(cell, utf8);
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

void CsvWriter::text(QByteArrayView utf8)
{
    separator();
    appendText(m_buffer, utf8);
}

void CsvWriter::number(qint64 value)
{
    separator();
    m_buffer += QByteArray::number(value);
}

void CsvWriter::number(QByteArrayView ascii)
{
    separator();
    m_buffer.append(ascii);
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
