// The Debian package: cpack makes refunddesk_<version>_<arch>.deb with what a desktop and a
// server need (desktop entry, icon, AppStream, man pages agreeing with --help, copyright,
// systemd units installed disabled), and it installs with apt-get, runs, and is removed.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <unistd.h>

namespace {
struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run run(const QString &program, const QStringList &args, const QStringList &env = {},
        int timeoutMs = 300000)
{
    QProcess p;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.remove(QStringLiteral("DISPLAY"));
    e.remove(QStringLiteral("WAYLAND_DISPLAY"));
    e.remove(QStringLiteral("QT_QPA_PLATFORM"));
    e.insert(QStringLiteral("DEBIAN_FRONTEND"), QStringLiteral("noninteractive"));
    for (const QString &kv : env)
        e.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
    p.setProcessEnvironment(e);
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out: ") + program;
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

// A man page's text with the roff escapes of option names undone: "\fB\-\-database\fR".
QString manText(const QString &gz)
{
    QString text = run(QStringLiteral("gzip"), {QStringLiteral("-dc"), gz}).out;
    static const QRegularExpression font(QStringLiteral("\\\\f[BIRP]"));
    text.remove(font);
    text.replace(QStringLiteral("\\-"), QStringLiteral("-"));
    return text;
}

QStringList optionsIn(const QString &help)
{
    static const QRegularExpression option(QStringLiteral("(?<![\\w-])--[a-z][a-z-]+"));
    QSet<QString> found;
    for (auto it = option.globalMatch(help); it.hasNext();)
        found.insert(it.next().captured(0));
    QStringList list(found.begin(), found.end());
    list.sort();
    return list;
}
} // namespace

class PackageTest : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void packageHasWhatDebianExpects();
    void manPagesAgreeWithHelp();
    void installsRunsAndIsRemoved();
    void cleanupTestCase();

private:
    QTemporaryDir m_dir;
    QString m_deb;
    QString m_tree;
    bool m_installedByUs = false;
};

void PackageTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const Run cpack =
        run(QStringLiteral(CPACK_PATH),
            {QStringLiteral("-G"), QStringLiteral("DEB"), QStringLiteral("-B"), m_dir.path(),
             QStringLiteral("--config"), QStringLiteral(BUILD_DIR "/CPackConfig.cmake")});
    QVERIFY2(cpack.exitCode == 0, qPrintable(cpack.out + cpack.err));
    const QString arch =
        run(QStringLiteral("dpkg"), {QStringLiteral("--print-architecture")}).out.trimmed();
    m_deb =
        m_dir.filePath(QStringLiteral("refunddesk_%1_%2.deb").arg(QStringLiteral(VERSION), arch));
    QVERIFY2(QFile::exists(m_deb), qPrintable(QDir(m_dir.path()).entryList().join(u' ')));
    m_tree = m_dir.filePath(QStringLiteral("tree"));
    const Run extract = run(QStringLiteral("dpkg-deb"), {QStringLiteral("-x"), m_deb, m_tree});
    QVERIFY2(extract.exitCode == 0, qPrintable(extract.err));
}

void PackageTest::packageHasWhatDebianExpects()
{
    const Run fields = run(QStringLiteral("dpkg-deb"), {QStringLiteral("-I"), m_deb});
    QCOMPARE(fields.exitCode, 0);
    const auto field = [&](const QString &name) {
        const QRegularExpression re(QStringLiteral("^ %1: (.*)$").arg(name),
                                    QRegularExpression::MultilineOption);
        return re.match(fields.out).captured(1).trimmed();
    };
    QCOMPARE(field(QStringLiteral("Package")), QStringLiteral("refunddesk"));
    QCOMPARE(field(QStringLiteral("Version")), QStringLiteral(VERSION));
    QCOMPARE(field(QStringLiteral("Section")), QStringLiteral("office"));
    QVERIFY2(QRegularExpression(QStringLiteral("^[^<>]+ <[^@<>\\s]+@[^@<>\\s]+\\.[a-z]+>$"))
                 .match(field(QStringLiteral("Maintainer")))
                 .hasMatch(),
             qPrintable(field(QStringLiteral("Maintainer"))));
    const QString depends = field(QStringLiteral("Depends"));
    // shlibdeps found the libraries; the plug-ins it cannot see are named by hand.
    for (const char *dep :
         {"libc6", "libqt6core6", "libqt6widgets6", "libqt6sql6", "libqcustomplot",
          "libqt6sql6-sqlite", "libqt6sql6-psql", "qt6-qpa-plugins"})
        QVERIFY2(depends.contains(QLatin1String(dep)),
                 qPrintable(QLatin1String(dep) + QStringLiteral(": ") + depends));
    QVERIFY(field(QStringLiteral("Recommends")).contains(QLatin1String("qt6-translations-l10n")));

    for (const char *path :
         {"usr/bin/refunddesk", "usr/bin/refundctl", "usr/share/applications/refunddesk.desktop",
          "usr/share/icons/hicolor/scalable/apps/refunddesk.svg",
          "usr/share/metainfo/io.refunddesk.RefundDesk.metainfo.xml",
          "usr/share/man/man1/refunddesk.1.gz", "usr/share/man/man1/refundctl.1.gz",
          "usr/share/doc/refunddesk/copyright", "usr/lib/systemd/system/refunddesk-serve.service",
          "usr/lib/systemd/system/refunddesk-payouts.service",
          "usr/lib/systemd/system/refunddesk-payouts.timer",
          "usr/lib/systemd/system/refunddesk-reconcile.service",
          "usr/lib/systemd/system/refunddesk-reconcile.timer", "etc/refunddesk/refundctl.env"})
        QVERIFY2(QFile::exists(m_tree + QLatin1Char('/') + QLatin1String(path)), path);
    // The settings may hold a password: root's only, and kept on upgrade (a conffile).
    QCOMPARE(QFile::permissions(m_tree + QStringLiteral("/etc/refunddesk/refundctl.env")) &
                 (QFile::ReadGroup | QFile::ReadOther),
             QFile::Permissions());
    const Run control =
        run(QStringLiteral("dpkg-deb"), {QStringLiteral("-I"), m_deb, QStringLiteral("conffiles")});
    QCOMPARE(control.out.trimmed(), QStringLiteral("/etc/refunddesk/refundctl.env"));

    const Run desktop =
        run(QStringLiteral("desktop-file-validate"),
            {m_tree + QStringLiteral("/usr/share/applications/refunddesk.desktop")});
    QVERIFY2(desktop.exitCode == 0 && desktop.out.trimmed().isEmpty(),
             qPrintable(desktop.out + desktop.err));
    const Run appstream =
        run(QStringLiteral("appstreamcli"),
            {QStringLiteral("validate"), QStringLiteral("--no-net"),
             m_tree + QStringLiteral("/usr/share/metainfo/io.refunddesk.RefundDesk.metainfo.xml")});
    QVERIFY2(appstream.exitCode == 0, qPrintable(appstream.out + appstream.err));
    // The icon is an SVG a renderer can read.
    QFile icon(m_tree + QStringLiteral("/usr/share/icons/hicolor/scalable/apps/refunddesk.svg"));
    QVERIFY(icon.open(QIODevice::ReadOnly));
    QVERIFY(icon.readAll().contains("<svg"));
}

void PackageTest::manPagesAgreeWithHelp()
{
    for (const QString &program : {QStringLiteral("refunddesk"), QStringLiteral("refundctl")}) {
        const QString binary = m_tree + QStringLiteral("/usr/bin/") + program;
        const Run help =
            run(binary, {QStringLiteral("--help")}, {QStringLiteral("LC_ALL=C.UTF-8")});
        QVERIFY2(help.exitCode == 0, qPrintable(program + help.err));
        const QString man =
            manText(m_tree + QStringLiteral("/usr/share/man/man1/%1.1.gz").arg(program));
        QVERIFY2(man.contains(QStringLiteral(".TH ")), qPrintable(program));
        const QStringList options = optionsIn(help.out);
        QVERIFY2(options.contains(QStringLiteral("--database")), qPrintable(help.out));
        for (const QString &option : options)
            QVERIFY2(man.contains(option), qPrintable(program + QLatin1Char(' ') + option));
        if (program == QLatin1String("refundctl")) // every command is in the man page
            for (const char *command : {"approvals", "audit", "decide", "export", "ingest",
                                        "payouts", "policy", "serve", "users", "tokens"})
                QVERIFY2(man.contains(QLatin1String(command)), command);
        QVERIFY(man.contains(QStringLiteral(VERSION)));
    }
}

void PackageTest::installsRunsAndIsRemoved()
{
    if (geteuid() != 0)
        QSKIP("installing a package needs root (CI runs the suite as root)");
    if (run(QStringLiteral("dpkg"), {QStringLiteral("-s"), QStringLiteral("refunddesk")})
            .exitCode == 0)
        QSKIP("refunddesk is installed on this machine already: not replacing it");
    const Run install = run(QStringLiteral("apt-get"),
                            {QStringLiteral("install"), QStringLiteral("-y"), QStringLiteral("-q"),
                             QStringLiteral("--no-install-recommends"), m_deb});
    m_installedByUs = true;
    QVERIFY2(install.exitCode == 0, qPrintable(install.out + install.err));

    const Run version = run(QStringLiteral("/usr/bin/refundctl"), {QStringLiteral("--version")});
    QCOMPARE(version.exitCode, 0);
    QCOMPARE(version.out.trimmed(), QStringLiteral("refundctl " VERSION));
    const Run help = run(QStringLiteral("/usr/bin/refunddesk"), {QStringLiteral("--help")},
                         {QStringLiteral("LC_ALL=C.UTF-8")});
    QVERIFY2(help.exitCode == 0 && help.out.contains(QLatin1String("--database")),
             qPrintable(help.out + help.err));
    const Run german =
        run(QStringLiteral("/usr/bin/refunddesk"), {QStringLiteral("--help")},
            {QStringLiteral("LC_ALL=de_DE.UTF-8"), QStringLiteral("LANG=de_DE.UTF-8")});
    QVERIFY2(german.out.contains(QLatin1String("Datenbank-URL")), qPrintable(german.out));
    // The installed refundctl finds its SQL driver and writes a database.
    const QString db = m_dir.filePath(QStringLiteral("installed.db"));
    const Run init =
        run(QStringLiteral("/usr/bin/refundctl"),
            {QStringLiteral("init"), QStringLiteral("--database"), QStringLiteral("sqlite:") + db});
    QVERIFY2(init.exitCode == 0, qPrintable(init.out + init.err));
    // Installed disabled: nothing links the units into a target.
    for (const char *link : {"/etc/systemd/system/multi-user.target.wants/refunddesk-serve.service",
                             "/etc/systemd/system/timers.target.wants/refunddesk-payouts.timer",
                             "/etc/systemd/system/timers.target.wants/refunddesk-reconcile.timer"})
        QVERIFY2(!QFileInfo::exists(QLatin1String(link)), link);

    const Run purge =
        run(QStringLiteral("apt-get"), {QStringLiteral("purge"), QStringLiteral("-y"),
                                        QStringLiteral("-q"), QStringLiteral("refunddesk")});
    QVERIFY2(purge.exitCode == 0, qPrintable(purge.out + purge.err));
    m_installedByUs = false;
    QVERIFY(!QFile::exists(QStringLiteral("/usr/bin/refundctl")));
    QVERIFY(!QFile::exists(QStringLiteral("/etc/refunddesk/refundctl.env")));
}

void PackageTest::cleanupTestCase()
{
    if (m_installedByUs) // a failed check above must not leave the package behind
        run(QStringLiteral("apt-get"), {QStringLiteral("purge"), QStringLiteral("-y"),
                                        QStringLiteral("-q"), QStringLiteral("refunddesk")});
}

QTEST_GUILESS_MAIN(PackageTest)
#include "tst_package.moc"
