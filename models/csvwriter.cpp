#include "csvwriter.h"

#include <array>
#include <charconv>
#include <cstring>

namespace {
constexpr qsizetype flushAt = 1 << 16;

// A semicolon or a tab too: a spreadsheet that splits on them (a European locale's CSV) would
// otherwise start a new cell there, and "x;=1+1" would run =1+1 as a formula.
constexpr auto needsQuotes = [] {
    std::array<bool, 256> table{};
    for (const unsigned char c : {',', '"', '\n', '\r', ';', '\t'})
        table[c] = true;
    return table;
}();

// The cell for `utf8` into `out`, which has room for 2 * size + 3 bytes; its length.
// OWASP: a cell starting with = + - @ tab or carriage return is a formula to a spreadsheet; a
// leading apostrophe makes it text. The whole cell is then quoted.
qsizetype writeText(char *out, QByteArrayView utf8)
{
    const char first = utf8.isEmpty() ? '\0' : utf8.front();
    const bool formula = first == '=' || first == '+' || first == '-' || first == '@' ||
                         first == '\t' || first == '\r';
    bool quote = formula;
    for (const char c : utf8)
        if (needsQuotes[static_cast<unsigned char>(c)]) {
            quote = true;
            break;
        }
    if (!quote) {
        if (!utf8.isEmpty())
            std::memcpy(out, utf8.data(), size_t(utf8.size()));
        return utf8.size();
    }
    char *p = out;
    *p++ = '"';
    if (formula)
        *p++ = '\'';
    for (const char c : utf8) {
        if (c == '"')
            *p++ = '"';
        *p++ = c;
    }
    *p++ = '"';
    return p - out;
}
} // namespace

CsvWriter::CsvWriter(QIODevice *device, bool bom)
    : m_device(device), m_buffer(new char[flushAt + 4096]), m_capacity(flushAt + 4096)
{
    if (bom)
        put("\xEF\xBB\xBF");
}

CsvWriter::~CsvWriter()
{
    flush();
}

QByteArray CsvWriter::textCell(QByteArrayView utf8)
{
    QByteArray cell(2 * utf8.size() + 3, Qt::Uninitialized);
    cell.truncate(writeText(cell.data(), utf8));
    return cell;
}

char *CsvWriter::reserve(qsizetype bytes)
{
    if (m_size + bytes > m_capacity) {
        if (!flush())
            m_size = 0; // nothing more reaches the device; write() reports why
        if (bytes > m_capacity) {
            m_capacity = bytes + 4096;
            m_buffer.reset(new char[m_capacity]);
        }
    }
    return m_buffer.get() + m_size;
}

void CsvWriter::put(QByteArrayView bytes)
{
    char *out = reserve(bytes.size());
    if (!bytes.isEmpty())
        std::memcpy(out, bytes.data(), size_t(bytes.size()));
    m_size += bytes.size();
}

void CsvWriter::separator()
{
    if (m_rowStarted)
        put(",");
    m_rowStarted = true;
}

void CsvWriter::text(QStringView value)
{
    text(QByteArrayView(value.toUtf8()));
}

void CsvWriter::text(QByteArrayView utf8)
{
    separator();
    m_size += writeText(reserve(2 * utf8.size() + 3), utf8);
}

void CsvWriter::number(qint64 value)
{
    separator();
    char *out = reserve(24);
    m_size += std::to_chars(out, out + 24, value).ptr - out;
}

void CsvWriter::number(QByteArrayView ascii)
{
    separator();
    put(ascii);
}

void CsvWriter::empty()
{
    separator();
}

void CsvWriter::endRow()
{
    put("\r\n");
    m_rowStarted = false;
    if (m_size >= flushAt)
        flush();
}

bool CsvWriter::flush()
{
    if (m_size == 0 || !m_error.isEmpty())
        return m_error.isEmpty();
    const qint64 written = m_device->write(m_buffer.get(), m_size);
    if (written != m_size) {
        m_error = m_device->errorString();
        if (m_error.isEmpty())
            m_error = QStringLiteral("short write");
        return false;
    }
    m_size = 0;
    return true;
}
