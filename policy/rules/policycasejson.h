#pragma once
// The case format of `refundctl policy evaluate` (POLICIES.md): JSON in, JSON out.

#include "policycase.h"
#include "policyoutcome.h"

#include <QByteArray>
#include <QString>
#include <optional>

class PolicyCaseJson
{
public:
    struct Parsed
    {
        PolicyCase policyCase;
        QString profile; // the case's "profile" field, may be empty
    };
    // A case file larger than this is refused before it is read.
    static constexpr qint64 maxCaseBytes = 16 * 1024 * 1024;

    // Parses and checks a case. On bad input returns nullopt and sets `error` to one line
    // naming the field and what is wrong.
    static std::optional<Parsed> parse(const QByteArray &json, QString *error);
    // The outcome as one JSON object, fields in the order POLICIES.md lists them.
    static QByteArray outcomeToJson(const PolicyOutcome &outcome);
    // RFC 3339 time to UTC seconds; nullopt when malformed.
    static std::optional<qint64> parseTime(const QString &text);
};
