// The German and French catalogues are complete and current: lupdate run on copies of them
// finds no message unfinished, missing or obsolete; every translation keeps its source's
// placeholders and accelerator; the catalogues compiled into the programs load, and so do
// Qt's own (standard buttons and dialogs).

#include "policy/rules/policyprofile.h"
#include "translations/translations.h"

#include <QCoreApplication>
#include <QFile>
#include <QLibraryInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

namespace {
struct Message
{
    QString context;
    QString source;
    QStringList translations; // one, or one per plural form
    QString type;             // "", "unfinished", "vanished", "obsolete"
};

QList<Message> readTs(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    QXmlStreamReader xml(&file);
    QList<Message> messages;
    QString context;
    Message current;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        const auto name = xml.name();
        if (name == QLatin1String("name"))
            context = xml.readElementText();
        else if (name == QLatin1String("message"))
            current = Message{context, {}, {}, {}};
        else if (name == QLatin1String("source"))
            current.source = xml.readElementText();
        else if (name == QLatin1String("translation")) {
            current.type = xml.attributes().value(QLatin1String("type")).toString();
            // Plural forms are child elements; a plain translation is text.
            QString text;
            while (!xml.atEnd()) {
                xml.readNext();
                if (xml.isCharacters())
                    text += xml.text();
                else if (xml.isStartElement() && xml.name() == QLatin1String("numerusform"))
                    current.translations << xml.readElementText();
                else if (xml.isEndElement() && xml.name() == QLatin1String("translation"))
                    break;
            }
            if (current.translations.isEmpty())
                current.translations << text;
            messages << current;
        }
    }
    if (xml.hasError())
        qFatal("%s: %s", qPrintable(path), qPrintable(xml.errorString()));
    return messages;
}

QStringList placeholders(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("%L?(\\d+|n)"));
    QStringList found;
    for (auto it = re.globalMatch(text); it.hasNext();)
        found << it.next().captured(1);
    found.removeDuplicates();
    found.sort();
    return found;
}

int accelerators(QString text)
{
    text.remove(QStringLiteral("&&"));
    static const QRegularExpression re(QStringLiteral("&(?![a-zA-Z]+;|#\\d+;)(?=\\S)"));
    int n = 0;
    for (auto it = re.globalMatch(text); it.hasNext(); it.next())
        ++n;
    return n;
}
} // namespace

class TranslationsTest : public QObject
{
    Q_OBJECT
private slots:
    void catalogueIsCompleteAndCurrent_data();
    void catalogueIsCompleteAndCurrent();
    void compiledCataloguesLoad_data();
    void compiledCataloguesLoad();
};

void TranslationsTest::catalogueIsCompleteAndCurrent_data()
{
    QTest::addColumn<QString>("language");
    QTest::newRow("German") << QStringLiteral("de");
    QTest::newRow("French") << QStringLiteral("fr");
}

void TranslationsTest::catalogueIsCompleteAndCurrent()
{
    QFETCH(QString, language);
    const QString committed = QStringLiteral(TRANSLATIONS_DIR "/refunddesk_%1.ts").arg(language);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString copy = dir.filePath(QStringLiteral("check.ts"));
    QVERIFY(QFile::copy(committed, copy));
    QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);

    // lupdate on the sources as they are now, into the copy, keeping what became obsolete.
    QProcess lupdate;
    lupdate.start(QStringLiteral(LUPDATE_PATH),
                  {QStringLiteral("-silent"), QStringLiteral("-locations"), QStringLiteral("none"),
                   QStringLiteral("@" TRANSLATABLE_LIST), QStringLiteral("-ts"), copy});
    QVERIFY2(lupdate.waitForFinished(120000), "lupdate did not finish in two minutes");
    QCOMPARE(lupdate.exitCode(), 0);

    const QList<Message> before = readTs(committed);
    const QList<Message> after = readTs(copy);
    QVERIFY2(before.size() > 1000, "the catalogue has lost its messages");
    QStringList problems;
    for (const Message &m : after) {
        const QString where = QStringLiteral("[%1] \"%2\"").arg(m.context, m.source.left(60));
        if (m.type == QLatin1String("vanished") || m.type == QLatin1String("obsolete")) {
            problems << QStringLiteral("obsolete (no longer in the sources): ") + where;
            continue;
        }
        if (m.type == QLatin1String("unfinished")) {
            problems << (m.translations.join(QString()).isEmpty()
                             ? QStringLiteral("missing: ")
                             : QStringLiteral("unfinished: ")) +
                            where;
            continue;
        }
        for (const QString &t : m.translations) {
            if (t.trimmed().isEmpty() && !m.source.trimmed().isEmpty())
                problems << QStringLiteral("empty: ") + where;
            QStringList want = placeholders(m.source);
            QStringList got = placeholders(t);
            if (m.translations.size() > 1) { // a plural form may spell out "one"
                want.removeAll(QStringLiteral("n"));
                got.removeAll(QStringLiteral("n"));
            }
            if (want != got)
                problems << QStringLiteral("placeholders %1 instead of %2: ")
                                    .arg(got.join(QLatin1Char(',')), want.join(QLatin1Char(','))) +
                                where;
            if (accelerators(t) != accelerators(m.source))
                problems << QStringLiteral("accelerator lost or doubled: ") + where;
        }
    }
    if (!problems.isEmpty())
        qWarning().noquote() << problems.mid(0, 40).join(QLatin1Char('\n'))
                             << "\nRun: cmake --build build --target update_translations,"
                                " then translate what is listed.";
    QVERIFY2(
        problems.isEmpty(),
        qPrintable(
            QStringLiteral("%1 problems in refunddesk_%2.ts").arg(problems.size()).arg(language)));
    QCOMPARE(after.size(), before.size());
}

void TranslationsTest::compiledCataloguesLoad_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("quit");
    QTest::newRow("German") << QStringLiteral("de_DE") << QStringLiteral("&Datei")
                            << QStringLiteral("&Beenden");
    QTest::newRow("French") << QStringLiteral("fr_FR") << QStringLiteral("&Fichier")
                            << QStringLiteral("&Quitter");
}

void TranslationsTest::compiledCataloguesLoad()
{
    QFETCH(QString, locale);
    QFETCH(QString, file);
    QFETCH(QString, quit);
    QLocale::setDefault(QLocale(locale));
    QCoreApplication *app = QCoreApplication::instance();
    const QList<QTranslator *> before = app->findChildren<QTranslator *>();
    Translations::install(*app);
    const QList<QTranslator *> installed = app->findChildren<QTranslator *>();
    QCOMPARE(QCoreApplication::translate("MainWindow", "&File"), file);
    QCOMPARE(QCoreApplication::translate("MainWindow", "&Quit"), quit);
    // Plural forms follow the language's rules.
    const QString one = QCoreApplication::translate("QueueView", "%n request(s)", nullptr, 1);
    const QString many = QCoreApplication::translate("QueueView", "%n request(s)", nullptr, 5);
    QVERIFY2(one != many && one.startsWith(QLatin1Char('1')) && many.startsWith(QLatin1Char('5')),
             qPrintable(one + QStringLiteral(" / ") + many));
    // Qt's own strings (QDialogButtonBox, QFileDialog) come from qt6-translations-l10n.
    QTranslator qt;
    QVERIFY2(qt.load(QLocale(locale), QStringLiteral("qtbase"), QStringLiteral("_"),
                     QLibraryInfo::path(QLibraryInfo::TranslationsPath)),
             "Qt's own translations are missing: install qt6-translations-l10n");
    QVERIFY(!qt.translate("QPlatformTheme", "Cancel").isEmpty());
    QCOMPARE(installed.size() - before.size(), 2);
    // The built-in profiles' clause titles and explanations are ours: all translated (the
    // quotes are the platforms' own and stay). A profile changed without running
    // scripts/profile-texts.py shows here.
    QTranslator ours;
    QVERIFY(ours.load(QLocale(locale), QStringLiteral("refunddesk"), QStringLiteral("_"),
                      QStringLiteral(":/i18n")));
    int texts = 0;
    for (const PolicyProfile &profile : PolicyProfile::builtIn())
        for (const PolicyClause &clause : profile.clauses())
            for (const QString &text : {clause.title, clause.explanation}) {
                QVERIFY2(!ours.translate("PolicyProfileText", text.toUtf8().constData()).isEmpty(),
                         qPrintable(profile.id + QStringLiteral(": ") + text));
                ++texts;
            }
    QVERIFY(texts > 50);
    for (QTranslator *t : installed)
        if (!before.contains(t)) {
            QCoreApplication::removeTranslator(t);
            delete t;
        }
    QLocale::setDefault(QLocale::c());
    QCOMPARE(QCoreApplication::translate("MainWindow", "&File"), QStringLiteral("&File"));
}

QTEST_GUILESS_MAIN(TranslationsTest)
#include "tst_translations.moc"
