<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AccountRepository</name>
    <message>
        <source>no account with id %1</source>
        <translation>kein Konto mit der ID %1</translation>
    </message>
</context>
<context>
    <name>AccountTableModel</name>
    <message>
        <source>Account ID</source>
        <translation>Konto-ID</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>Guthaben</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Angelegt</translation>
    </message>
</context>
<context>
    <name>AccountView</name>
    <message>
        <source>&amp;Ledger</source>
        <translation>&amp;Buchungen</translation>
    </message>
    <message>
        <source>&amp;Purchases</source>
        <translation>&amp;Käufe</translation>
    </message>
    <message>
        <source>&amp;Jobs</source>
        <translation>&amp;Jobs</translation>
    </message>
    <message>
        <source>&amp;Requests</source>
        <translation>&amp;Anträge</translation>
    </message>
    <message>
        <source>&amp;Audit trail</source>
        <translation>Au&amp;dit-Protokoll</translation>
    </message>
    <message>
        <source>Account %1 does not exist.</source>
        <translation>Das Konto %1 gibt es nicht.</translation>
    </message>
    <message>
        <source>&lt;h2&gt;%1 &amp;lt;%2&amp;gt;&lt;/h2&gt;Account %3 · %4 · %5 · &lt;b&gt;%6 credits&lt;/b&gt;&lt;br&gt;%7 purchases, %8 paid, %9 refunded · %10 jobs credited back (%11 credits)</source>
        <translation>&lt;h2&gt;%1 &amp;lt;%2&amp;gt;&lt;/h2&gt;Konto %3 · %4 · %5 · &lt;b&gt;%6 Credits&lt;/b&gt;&lt;br&gt;%7 Käufe, %8 bezahlt, %9 erstattet · %10 Jobs gutgeschrieben (%11 Credits)</translation>
    </message>
    <message>
        <source>Cannot read account %1: %2</source>
        <translation>Konto %1 kann nicht gelesen werden: %2</translation>
    </message>
</context>
<context>
    <name>ApiServer</name>
    <message>
        <source>%1 of %2 events refused; nothing was written</source>
        <translation>%1 von %2 Ereignissen abgewiesen; nichts wurde geschrieben</translation>
    </message>
    <message>
        <source>no such endpoint: %1 %2</source>
        <translation>diesen Endpunkt gibt es nicht: %1 %2</translation>
    </message>
    <message>
        <source>cannot listen on %1:%2 (in use, or not allowed)</source>
        <translation>kann nicht auf %1:%2 lauschen (belegt oder nicht erlaubt)</translation>
    </message>
    <message>
        <source>%1: cannot read: %2</source>
        <translation>%1: kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1: not a PEM certificate</source>
        <translation>%1: kein PEM-Zertifikat</translation>
    </message>
    <message>
        <source>%1: not a PEM private key (RSA or EC)</source>
        <translation>%1: kein privater PEM-Schlüssel (RSA oder EC)</translation>
    </message>
    <message>
        <source>this build of Qt has no TLS: put the server behind a reverse proxy</source>
        <translation>diese Qt-Version hat kein TLS: Setzen Sie einen Reverse-Proxy vor den Server</translation>
    </message>
    <message>
        <source>the database is unreachable; nothing was written, try again later (%1)</source>
        <translation>die Datenbank ist nicht erreichbar; nichts wurde geschrieben, versuchen Sie es später erneut (%1)</translation>
    </message>
    <message>
        <source>webhooks are not configured on this server (REFUNDDESK_STRIPE_WEBHOOK_SECRET_FILE)</source>
        <translation>auf diesem Server sind keine Webhooks eingerichtet (REFUNDDESK_STRIPE_WEBHOOK_SECRET_FILE)</translation>
    </message>
    <message>
        <source>the body is larger than 16 MiB</source>
        <translation>der Inhalt ist größer als 16 MiB</translation>
    </message>
    <message>
        <source>an Authorization: Bearer TOKEN header is required</source>
        <translation>ein Header „Authorization: Bearer TOKEN“ ist erforderlich</translation>
    </message>
    <message>
        <source>the token is unknown or revoked</source>
        <translation>das Token ist unbekannt oder widerrufen</translation>
    </message>
    <message>
        <source>the token &quot;%1&quot; does not have the %2 scope</source>
        <translation>das Token „%1“ hat den Bereich %2 nicht</translation>
    </message>
    <message>
        <source>the body must be application/x-ndjson or application/json, not &quot;%1&quot;</source>
        <translation>der Inhalt muss application/x-ndjson oder application/json sein, nicht „%1“</translation>
    </message>
    <message>
        <source>the body is larger than 16 MiB: send smaller batches</source>
        <translation>der Inhalt ist größer als 16 MiB: Senden Sie kleinere Pakete</translation>
    </message>
    <message>
        <source>after must be a sequence number</source>
        <translation>after muss eine Sequenznummer sein</translation>
    </message>
    <message>
        <source>limit must be a whole number from 1 to 5000</source>
        <translation>limit muss eine ganze Zahl von 1 bis 5000 sein</translation>
    </message>
    <message>
        <source>the database is unreachable; try again later (%1)</source>
        <translation>die Datenbank ist nicht erreichbar; versuchen Sie es später erneut (%1)</translation>
    </message>
    <message>
        <source>the database is unreachable</source>
        <translation>die Datenbank ist nicht erreichbar</translation>
    </message>
</context>
<context>
    <name>Applier</name>
    <message>
        <source>no %1 with the id %2</source>
        <translation>kein %1 mit der ID %2</translation>
    </message>
    <message>
        <source>differs from %1 as already recorded (%2, now %3): facts do not change</source>
        <translation>weicht von %1 ab, wie bereits erfasst (%2, jetzt %3): Tatsachen ändern sich nicht</translation>
    </message>
    <message>
        <source>purchase &quot;%1&quot;</source>
        <translation>Kauf „%1“</translation>
    </message>
    <message>
        <source>job &quot;%1&quot;</source>
        <translation>Job „%1“</translation>
    </message>
    <message>
        <source>no account has the email &quot;%1&quot;</source>
        <translation>kein Konto hat die E-Mail-Adresse „%1“</translation>
    </message>
    <message>
        <source>purchase &quot;%1&quot; is not this account&apos;s</source>
        <translation>Kauf „%1“ gehört nicht zu diesem Konto</translation>
    </message>
    <message>
        <source>job &quot;%1&quot; is not this account&apos;s</source>
        <translation>Job „%1“ gehört nicht zu diesem Konto</translation>
    </message>
    <message>
        <source>is required for a failed_job request</source>
        <translation>ist für einen Antrag vom Typ failed_job erforderlich</translation>
    </message>
    <message>
        <source>is required for a %1 request</source>
        <translation>ist für einen Antrag vom Typ %1 erforderlich</translation>
    </message>
    <message>
        <source>request &quot;%1&quot;</source>
        <translation>Antrag „%1“</translation>
    </message>
    <message>
        <source>purchase &quot;%1&quot; already has an open chargeback</source>
        <translation>zum Kauf „%1“ ist bereits ein Chargeback offen</translation>
    </message>
</context>
<context>
    <name>AuditChain</name>
    <message>
        <source>cannot read the audit log: an unknown database driver</source>
        <translation>das Audit-Protokoll kann nicht gelesen werden: unbekannter Datenbanktreiber</translation>
    </message>
    <message>
        <source>audit row %1 is at chain position %2, expected %3: a row before it was deleted</source>
        <translation>Audit-Zeile %1 steht an Kettenposition %2, erwartet war %3: eine Zeile davor wurde gelöscht</translation>
    </message>
    <message>
        <source>audit row %1 (position %2) does not follow the row before it: a row was deleted, inserted or rewritten there</source>
        <translation>Audit-Zeile %1 (Position %2) folgt nicht auf die Zeile davor: dort wurde eine Zeile gelöscht, eingefügt oder umgeschrieben</translation>
    </message>
</context>
<context>
    <name>AuditCommands</name>
    <message>
        <source>Usage: refundctl audit verify [--expect-head HASH]
       refundctl audit head
</source>
        <translation>Aufruf: refundctl audit verify [--expect-head HASH]
       refundctl audit head
</translation>
    </message>
    <message>
        <source>say verify or head</source>
        <translation>geben Sie verify oder head an</translation>
    </message>
    <message>
        <source>unknown action &apos;%1&apos;; say verify or head</source>
        <translation>unbekannte Aktion „%1“; geben Sie verify oder head an</translation>
    </message>
</context>
<context>
    <name>AuditTableModel</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>Antrag</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>Chain position</source>
        <translation>Kettenposition</translation>
    </message>
    <message>
        <source>Hash</source>
        <translation>Hash</translation>
    </message>
</context>
<context>
    <name>BenchCommands</name>
    <message>
        <source>%1 is not installed</source>
        <translation>%1 ist nicht installiert</translation>
    </message>
    <message>
        <source>no timing in the output of %1</source>
        <translation>keine Zeitangabe in der Ausgabe von %1</translation>
    </message>
    <message>
        <source>Usage: refundctl bench views [--database URL] [--account ID]
       refundctl bench export [--database URL]
       refundctl bench dashboard [--database URL]
       refundctl bench ingest [--database URL] [--accounts N]
       refundctl bench payouts [--database URL] [--count N] --stripe-key-file F --stripe-api-base URL
       refundctl bench audit [--database URL] [--rows N]
views: times the desk&apos;s table models on a (large) database next to the same queries run by sqlite3 or psql.
export: exports the ledger as CSV and compares rows per second and memory with sqlite3 -csv or psql \copy.
dashboard: times each figure of the managers&apos; dashboard for the usual date ranges.
ingest: the platform&apos;s events from a file and over HTTP, in events per second (writes into the database: use a scratch one).
payouts: payouts through the payouts worker to a processor, and the worker&apos;s own time per payout (writes: use a scratch database).
audit: appends audit rows, then times audit verify next to sqlite3 or psql reading the same columns (writes: use a scratch database).
</source>
        <translation>Aufruf: refundctl bench views [--database URL] [--account ID]
       refundctl bench export [--database URL]
       refundctl bench dashboard [--database URL]
       refundctl bench ingest [--database URL] [--accounts N]
       refundctl bench payouts [--database URL] [--count N] --stripe-key-file F --stripe-api-base URL
       refundctl bench audit [--database URL] [--rows N]
views: misst die Tabellenmodelle der Oberfläche auf einer (großen) Datenbank neben denselben Abfragen über sqlite3 oder psql.
export: exportiert die Buchungen als CSV und vergleicht Zeilen pro Sekunde und Speicher mit sqlite3 -csv oder psql \copy.
dashboard: misst jede Kennzahl des Manager-Dashboards für die üblichen Zeiträume.
ingest: die Ereignisse der Plattform aus einer Datei und über HTTP, in Ereignissen pro Sekunde (schreibt in die Datenbank: nehmen Sie eine Testdatenbank).
payouts: Auszahlungen über den Auszahlungsdienst an einen Zahlungsdienstleister und dessen eigene Zeit pro Auszahlung (schreibt: nehmen Sie eine Testdatenbank).
audit: hängt Audit-Zeilen an und misst dann audit verify neben sqlite3 oder psql beim Lesen derselben Spalten (schreibt: nehmen Sie eine Testdatenbank).
</translation>
    </message>
    <message>
        <source>say what to benchmark: views, export, dashboard, ingest, payouts or audit</source>
        <translation>geben Sie an, was gemessen werden soll: views, export, dashboard, ingest, payouts oder audit</translation>
    </message>
    <message>
        <source>The account to filter on (default: one in the middle).</source>
        <translation>Das Konto, nach dem gefiltert wird (Vorgabe: eines aus der Mitte).</translation>
    </message>
    <message>
        <source>What to benchmark.</source>
        <translation>Was gemessen werden soll.</translation>
    </message>
    <message>
        <source>%1, account %2, best of %3 runs each; ms, model vs %4</source>
        <translation>%1, Konto %2, jeweils bester von %3 Läufen; ms, Modell gegenüber %4</translation>
    </message>
    <message>
        <source>view</source>
        <translation>Ansicht</translation>
    </message>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>rows</source>
        <translation>Zeilen</translation>
    </message>
    <message>
        <source>model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>bare</source>
        <translation>direkt</translation>
    </message>
    <message>
        <source>ratio</source>
        <translation>Verhältnis</translation>
    </message>
    <message>
        <source>first rows</source>
        <translation>erste Zeilen</translation>
    </message>
    <message>
        <source>count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>last row</source>
        <translation>letzte Zeile</translation>
    </message>
    <message>
        <source>re-sort</source>
        <translation>umsortieren</translation>
    </message>
    <message>
        <source>every step within 3x of the bare query</source>
        <translation>jeder Schritt höchstens das Dreifache der direkten Abfrage</translation>
    </message>
    <message>
        <source>some steps are above 3x of the bare query</source>
        <translation>einige Schritte liegen über dem Dreifachen der direkten Abfrage</translation>
    </message>
    <message>
        <source>refundctl bench: %1</source>
        <translation>refundctl bench: %1</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>%1: %2 ledger rows, %3 MB of CSV</source>
        <translation>%1: %2 Buchungszeilen, %3 MB CSV</translation>
    </message>
    <message>
        <source>refundctl export: %1 s, %2 rows/s, peak memory grew by %3 MB</source>
        <translation>refundctl export: %1 s, %2 Zeilen/s, Spitzenspeicher um %3 MB gestiegen</translation>
    </message>
    <message>
        <source>%1: %2 s, %3 rows/s; ratio %4x (target %5x)</source>
        <translation>%1: %2 s, %3 Zeilen/s; Verhältnis %4x (Ziel %5x)</translation>
    </message>
    <message>
        <source>no bare comparison: %1 is not installed</source>
        <translation>kein direkter Vergleich: %1 ist nicht installiert</translation>
    </message>
    <message>
        <source>Computes every figure of the managers&apos; dashboard for the last 30 days by day, the last quarter by week and the last year by month and by day (also for one profile), and prints the milliseconds each figure takes (best of 3) and their sum: what a range change costs. Target: a second or two on a 200,000-account database.</source>
        <translation>Berechnet jede Kennzahl des Manager-Dashboards für die letzten 30 Tage nach Tag, das letzte Quartal nach Woche und das letzte Jahr nach Monat und nach Tag (auch für ein Profil) und gibt die Millisekunden je Kennzahl (bester von 3) und ihre Summe aus: was ein Wechsel des Zeitraums kostet. Ziel: ein bis zwei Sekunden bei einer Datenbank mit 200.000 Konten.</translation>
    </message>
    <message>
        <source>30 days by day</source>
        <translation>30 Tage nach Tag</translation>
    </message>
    <message>
        <source>quarter by week</source>
        <translation>Quartal nach Woche</translation>
    </message>
    <message>
        <source>year by month</source>
        <translation>Jahr nach Monat</translation>
    </message>
    <message>
        <source>year by day</source>
        <translation>Jahr nach Tag</translation>
    </message>
    <message>
        <source>year, one profile</source>
        <translation>Jahr, ein Profil</translation>
    </message>
    <message>
        <source>%1, ranges ending %2, ms per figure, best of %3</source>
        <translation>%1, Zeiträume bis %2, ms je Kennzahl, bester von %3</translation>
    </message>
    <message>
        <source>range</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <source>total</source>
        <translation>gesamt</translation>
    </message>
    <message>
        <source>Audit rows to append first (default 1000000; 0: time the rows already there).</source>
        <translation>Audit-Zeilen, die zuerst angehängt werden (Vorgabe 1000000; 0: die vorhandenen Zeilen messen).</translation>
    </message>
    <message>
        <source>Appends audit rows like a decision&apos;s (a recommendation and details each), then times audit verify, best of three, next to the database&apos;s own tool reading the same columns. Writes: use a scratch database.</source>
        <translation>Hängt Audit-Zeilen wie die einer Entscheidung an (mit je einer Empfehlung und Details) und misst dann audit verify, bester von drei, neben dem eigenen Werkzeug der Datenbank beim Lesen derselben Spalten. Schreibt: nehmen Sie eine Testdatenbank.</translation>
    </message>
    <message>
        <source>--rows takes a whole number, 0 or more</source>
        <translation>--rows erwartet eine ganze Zahl, 0 oder größer</translation>
    </message>
    <message>
        <source>appended %1 of %2</source>
        <translation>%1 von %2 angehängt</translation>
    </message>
    <message>
        <source>appended %1 audit rows in %2 s (%3 rows/s)</source>
        <translation>%1 Audit-Zeilen in %2 s angehängt (%3 Zeilen/s)</translation>
    </message>
    <message>
        <source>refundctl bench audit: %1</source>
        <translation>refundctl bench audit: %1</translation>
    </message>
    <message>
        <source>audit verify: %1 rows in %2 ms, %3 rows/s (goal: 1,000,000)</source>
        <translation>audit verify: %1 Zeilen in %2 ms, %3 Zeilen/s (Ziel: 1.000.000)</translation>
    </message>
    <message>
        <source>%1 reading the same rows: %2 ms</source>
        <translation>%1 beim Lesen derselben Zeilen: %2 ms</translation>
    </message>
    <message>
        <source>(no bare figure: %1)</source>
        <translation>(kein direkter Wert: %1)</translation>
    </message>
    <message>
        <source>Accounts in the file (six events each; default 20000).</source>
        <translation>Konten in der Datei (je sechs Ereignisse; Vorgabe 20000).</translation>
    </message>
    <message>
        <source>Ingests an events file of new accounts, purchases and jobs (one in four failed on the platform&apos;s side), then the same over HTTP through a &apos;refundctl serve&apos; it starts: batches of 1,000 events, and single-event POSTs with their latency. Prints events per second, memory and the targets (200,000/s into SQLite and 50,000/s into PostgreSQL from a file; 50,000/s in batches and 1,000 single POSTs/s with p99 under 20 ms over HTTP). Writes into the database it is given: use a scratch one.</source>
        <translation>Liest eine Ereignisdatei mit neuen Konten, Käufen und Jobs ein (jeder vierte auf Seiten der Plattform fehlgeschlagen), dann dasselbe über HTTP durch ein „refundctl serve“, das es selbst startet: Pakete zu 1.000 Ereignissen und einzelne POSTs mit ihrer Latenz. Gibt Ereignisse pro Sekunde, Speicher und die Ziele aus (200.000/s in SQLite und 50.000/s in PostgreSQL aus einer Datei; 50.000/s in Paketen und 1.000 einzelne POSTs/s mit p99 unter 20 ms über HTTP). Schreibt in die angegebene Datenbank: nehmen Sie eine Testdatenbank.</translation>
    </message>
    <message>
        <source>--accounts needs a whole number from 1 to 5000000</source>
        <translation>--accounts erwartet eine ganze Zahl von 1 bis 5000000</translation>
    </message>
    <message>
        <source>ingest into %1</source>
        <translation>Einlesen in %1</translation>
    </message>
    <message>
        <source>cannot write a temporary file: %1</source>
        <translation>kann keine temporäre Datei schreiben: %1</translation>
    </message>
    <message>
        <source>the bench&apos;s own file was refused: %1</source>
        <translation>die eigene Datei des Benchmarks wurde abgewiesen: %1</translation>
    </message>
    <message>
        <source>file: %1 events in %2 s = %3 events/s (target %4); peak memory +%5 MB for a %6 MB file</source>
        <translation>Datei: %1 Ereignisse in %2 s = %3 Ereignisse/s (Ziel %4); Spitzenspeicher +%5 MB bei einer Datei von %6 MB</translation>
    </message>
    <message>
        <source>refundctl serve did not start: %1</source>
        <translation>refundctl serve ist nicht gestartet: %1</translation>
    </message>
    <message>
        <source>a batch was refused</source>
        <translation>ein Paket wurde abgewiesen</translation>
    </message>
    <message>
        <source>HTTP batches of ~1,000: %1 events in %2 s = %3 events/s (target 50,000)</source>
        <translation>HTTP-Pakete zu ~1.000: %1 Ereignisse in %2 s = %3 Ereignisse/s (Ziel 50.000)</translation>
    </message>
    <message>
        <source>a single event was refused</source>
        <translation>ein einzelnes Ereignis wurde abgewiesen</translation>
    </message>
    <message>
        <source>HTTP single events: %1 POSTs/s one at a time, p50 %2 ms, p99 %3 ms (target 1,000/s, p99 under 20 ms)</source>
        <translation>HTTP-Einzelereignisse: %1 POSTs/s nacheinander, p50 %2 ms, p99 %3 ms (Ziel 1.000/s, p99 unter 20 ms)</translation>
    </message>
    <message>
        <source>How many payouts (default 1000).</source>
        <translation>Wie viele Auszahlungen (Vorgabe 1000).</translation>
    </message>
    <message>
        <source>Requests waiting at once (default 8).</source>
        <translation>Gleichzeitig offene Anfragen (Vorgabe 8).</translation>
    </message>
    <message>
        <source>Requests a second at most (default 1000).</source>
        <translation>Höchstens so viele Anfragen pro Sekunde (Vorgabe 1000).</translation>
    </message>
    <message>
        <source>Creates payouts on new purchases and sends them through the payouts worker to the configured processor (a local fake, or Stripe&apos;s test mode), then prints the time, the payouts per second and the worker&apos;s own time per payout. Writes into the database: use a scratch one.</source>
        <translation>Legt Auszahlungen zu neuen Käufen an und sendet sie über den Auszahlungsdienst an den eingerichteten Zahlungsdienstleister (eine lokale Attrappe oder den Testmodus von Stripe), dann gibt es die Zeit, die Auszahlungen pro Sekunde und die eigene Zeit des Dienstes pro Auszahlung aus. Schreibt in die Datenbank: nehmen Sie eine Testdatenbank.</translation>
    </message>
    <message>
        <source>--count, --in-flight and --rate take positive numbers</source>
        <translation>--count, --in-flight und --rate erwarten positive Zahlen</translation>
    </message>
    <message>
        <source>refundctl bench payouts: %1</source>
        <translation>refundctl bench payouts: %1</translation>
    </message>
    <message>
        <source>give the processor: --stripe-key-file and --stripe-api-base (bench/payouts.sh starts the tests&apos; fake)</source>
        <translation>geben Sie den Zahlungsdienstleister an: --stripe-key-file und --stripe-api-base (bench/payouts.sh startet die Attrappe der Tests)</translation>
    </message>
    <message>
        <source>%1 payouts created in %2 ms</source>
        <translation>%1 Auszahlungen in %2 ms angelegt</translation>
    </message>
    <message>
        <source>%1 payouts through the processor in %2 s with %3 in flight: %4 payouts/s; %5 succeeded, %6 not; the worker&apos;s own time %7 ms per payout (database included)</source>
        <translation>%1 Auszahlungen über den Zahlungsdienstleister in %2 s mit %3 gleichzeitig: %4 Auszahlungen/s; %5 erfolgreich, %6 nicht; eigene Zeit des Dienstes %7 ms pro Auszahlung (mit Datenbank)</translation>
    </message>
    <message>
        <source>Exports the ledger (the transactions report) as CSV and prints rows per second and the growth of peak memory, next to sqlite3 -csv or psql \copy writing the same rows. Targets: within 1.1x of sqlite3, 1.2x of psql.</source>
        <translation>Exportiert die Buchungen (den Transaktionsbericht) als CSV und gibt Zeilen pro Sekunde und den Zuwachs des Spitzenspeichers aus, neben sqlite3 -csv oder psql \copy mit denselben Zeilen. Ziele: höchstens 1,1-mal sqlite3, 1,2-mal psql.</translation>
    </message>
    <message>
        <source>Opens each table model of the desk on the database and prints the time to the first rows, to the last row, to re-sort and to filter by account, by status and by the last week, next to the time sqlite3 or psql takes for the same query, as ratios. Target: each within 3x.</source>
        <translation>Öffnet jedes Tabellenmodell der Oberfläche auf der Datenbank und gibt die Zeit bis zu den ersten Zeilen, bis zur letzten Zeile, zum Umsortieren und zum Filtern nach Konto, nach Status und nach der letzten Woche aus, neben der Zeit, die sqlite3 oder psql für dieselbe Abfrage brauchen, als Verhältnis. Ziel: jeweils höchstens das Dreifache.</translation>
    </message>
    <message>
        <source>by account</source>
        <translation>nach Konto</translation>
    </message>
    <message>
        <source>by status</source>
        <translation>nach Status</translation>
    </message>
    <message>
        <source>by date</source>
        <translation>nach Datum</translation>
    </message>
</context>
<context>
    <name>BodySource</name>
    <message>
        <source>the body holds no event</source>
        <translation>der Inhalt enthält kein Ereignis</translation>
    </message>
    <message>
        <source>the body is not JSON (at offset %1: %2)</source>
        <translation>der Inhalt ist kein JSON (bei Offset %1: %2)</translation>
    </message>
    <message>
        <source>an application/json body is one array of events</source>
        <translation>ein application/json-Inhalt ist ein einziges Array von Ereignissen</translation>
    </message>
</context>
<context>
    <name>BulkInserter</name>
    <message>
        <source>cannot prepare insert into %1: %2</source>
        <translation>Einfügen in %1 kann nicht vorbereitet werden: %2</translation>
    </message>
    <message>
        <source>%1 into %2 failed: %3</source>
        <translation>%1 in %2 fehlgeschlagen: %3</translation>
    </message>
    <message>
        <source>copying into %1 failed: %2</source>
        <translation>Kopieren in %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>inserting into %1 failed: %2</source>
        <translation>Einfügen in %1 fehlgeschlagen: %2</translation>
    </message>
</context>
<context>
    <name>BulkLoadScope</name>
    <message>
        <source>row %1 of %2 refers to a missing row of %3</source>
        <translation>Zeile %1 von %2 verweist auf eine fehlende Zeile von %3</translation>
    </message>
</context>
<context>
    <name>CaseBuilder</name>
    <message>
        <source>no refund request with id %1</source>
        <translation>kein Erstattungsantrag mit der ID %1</translation>
    </message>
    <message>
        <source>request %1: account %2 does not exist</source>
        <translation>Antrag %1: Konto %2 gibt es nicht</translation>
    </message>
    <message>
        <source>request %1: purchase %2 does not exist</source>
        <translation>Antrag %1: Kauf %2 gibt es nicht</translation>
    </message>
    <message>
        <source>request %1: job %2 does not exist</source>
        <translation>Antrag %1: Job %2 gibt es nicht</translation>
    </message>
    <message>
        <source>request %1: its facts are outside what the policy can weigh (%2)</source>
        <translation>Antrag %1: seine Fakten liegen außerhalb dessen, was die Richtlinie abwägen kann (%2)</translation>
    </message>
    <message>
        <source>request %1: a %2 request must name a %3, this one names none</source>
        <translation>Antrag %1: ein Antrag vom Typ %2 muss einen %3 nennen, dieser nennt keinen</translation>
    </message>
    <message>
        <source>job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>purchase</source>
        <translation>Kauf</translation>
    </message>
</context>
<context>
    <name>ConnectionBanner</name>
    <message>
        <source>&amp;Retry now</source>
        <translation>&amp;Jetzt erneut versuchen</translation>
    </message>
    <message>
        <source>The database cannot be reached; retrying every few seconds. Nothing you type is lost.
%1</source>
        <translation>Die Datenbank ist nicht erreichbar; neuer Versuch alle paar Sekunden. Nichts, was Sie eingeben, geht verloren.
%1</translation>
    </message>
</context>
<context>
    <name>ConnectionDialog</name>
    <message>
        <source>A &amp;file on this computer (SQLite)</source>
        <translation>Eine &amp;Datei auf diesem Computer (SQLite)</translation>
    </message>
    <message>
        <source>A &amp;shared database (PostgreSQL)</source>
        <translation>Eine &amp;gemeinsame Datenbank (PostgreSQL)</translation>
    </message>
    <message>
        <source>Re&amp;member the password</source>
        <translation>Passwort &amp;merken</translation>
    </message>
    <message>
        <source>Connect to a database</source>
        <translation>Mit einer Datenbank verbinden</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <source>Open or create a database file</source>
        <translation>Datenbankdatei öffnen oder anlegen</translation>
    </message>
    <message>
        <source>Refund Desk databases (*.db *.sqlite);;All files (*)</source>
        <translation>Refund-Desk-Datenbanken (*.db *.sqlite);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>&amp;Host:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port:</translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation>&amp;Datenbank:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Pass&amp;wort:</translation>
    </message>
    <message>
        <source>Prefer encryption (libpq&apos;s default)</source>
        <translation>Verschlüsselung bevorzugen (Vorgabe von libpq)</translation>
    </message>
    <message>
        <source>Require encryption</source>
        <translation>Verschlüsselung verlangen</translation>
    </message>
    <message>
        <source>Require encryption and verify the server (CA file)</source>
        <translation>Verschlüsselung verlangen und den Server prüfen (CA-Datei)</translation>
    </message>
    <message>
        <source>No encryption</source>
        <translation>Keine Verschlüsselung</translation>
    </message>
    <message>
        <source>&quot;Require&quot; refuses to connect without TLS; &quot;verify&quot; also checks the server&apos;s certificate against the CA file and its host name.</source>
        <translation>„Verlangen“ verbindet nicht ohne TLS; „prüfen“ kontrolliert außerdem das Zertifikat des Servers anhand der CA-Datei und seinen Hostnamen.</translation>
    </message>
    <message>
        <source>&amp;Encryption:</source>
        <translation>&amp;Verschlüsselung:</translation>
    </message>
    <message>
        <source>/etc/ssl/certs/your-team-ca.pem</source>
        <translation>/etc/ssl/certs/ihre-team-ca.pem</translation>
    </message>
    <message>
        <source>&amp;CA file:</source>
        <translation>&amp;CA-Datei:</translation>
    </message>
    <message>
        <source>Your name, recorded with every decision</source>
        <translation>Ihr Name, mit jeder Entscheidung gespeichert</translation>
    </message>
    <message>
        <source>&amp;Reviewer:</source>
        <translation>&amp;Bearbeiter:</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>Enter your name: every decision records who took it.</source>
        <translation>Geben Sie Ihren Namen ein: Jede Entscheidung hält fest, wer sie getroffen hat.</translation>
    </message>
    <message>
        <source>Create a new database?</source>
        <translation>Neue Datenbank anlegen?</translation>
    </message>
    <message>
        <source>There is no database file at
%1

Create a new, empty one there?</source>
        <translation>Unter
%1
gibt es keine Datenbankdatei.

Dort eine neue, leere anlegen?</translation>
    </message>
    <message>
        <source>No database file at %1: check the path, or create one.</source>
        <translation>Keine Datenbankdatei unter %1: Prüfen Sie den Pfad oder legen Sie eine an.</translation>
    </message>
    <message>
        <source>Password not remembered</source>
        <translation>Passwort nicht gemerkt</translation>
    </message>
    <message>
        <source>The system keychain could not keep the password (%1). It is not remembered: you will be asked for it next time.</source>
        <translation>Der Schlüsselbund des Systems konnte das Passwort nicht speichern (%1). Es wird nicht gemerkt: Sie werden beim nächsten Mal danach gefragt.</translation>
    </message>
</context>
<context>
    <name>CreditLotRepository</name>
    <message>
        <source>account %1 has %2 credits fewer than the %3 to be taken</source>
        <translation>Konto %1 hat %2 Credits weniger als die %3, die abgebucht werden sollen</translation>
    </message>
</context>
<context>
    <name>CsvExportRunner</name>
    <message>
        <source>Exporting to %1…</source>
        <translation>Export nach %1…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Exporting to %1: %2 rows…</source>
        <translation>Export nach %1: %2 Zeilen…</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <source>Nothing was written.

%1</source>
        <translation>Es wurde nichts geschrieben.

%1</translation>
    </message>
    <message>
        <source>Export cancelled</source>
        <translation>Export abgebrochen</translation>
    </message>
    <message>
        <source>The export was cancelled; no file was written.</source>
        <translation>Der Export wurde abgebrochen; es wurde keine Datei geschrieben.</translation>
    </message>
    <message>
        <source>Export finished</source>
        <translation>Export abgeschlossen</translation>
    </message>
    <message>
        <source>%1 rows written to %2.</source>
        <translation>%1 Zeilen nach %2 geschrieben.</translation>
    </message>
</context>
<context>
    <name>CsvExporter</name>
    <message>
        <source>cannot write to standard output: %1</source>
        <translation>kann nicht auf die Standardausgabe schreiben: %1</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>the %1 driver is not supported for exports</source>
        <translation>der Treiber %1 wird für Exporte nicht unterstützt</translation>
    </message>
    <message>
        <source>cannot write: %1</source>
        <translation>kann nicht schreiben: %1</translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation>%1 in %2</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n Minute</numerusform>
            <numerusform>%n Minuten</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 hours</source>
        <translation>%1 Stunden</translation>
    </message>
    <message>
        <source>%1 days</source>
        <translation>%1 Tage</translation>
    </message>
    <message>
        <source>Nothing in this range</source>
        <translation>Nichts in diesem Zeitraum</translation>
    </message>
    <message>
        <source>Arrow keys choose a bar or point; Enter opens what it counts</source>
        <translation>Pfeiltasten wählen einen Balken oder Punkt; Eingabe öffnet, was er zählt</translation>
    </message>
    <message>
        <source>Refunded (%1)</source>
        <translation>Erstattet (%1)</translation>
    </message>
    <message>
        <source>%1 refunded</source>
        <translation>%1 erstattet</translation>
    </message>
    <message>
        <source>%1
Refunded: %2
Click or Enter: the approved requests decided then</source>
        <translation>%1
Erstattet: %2
Klick oder Eingabe: die genehmigten Anträge, die dann entschieden wurden</translation>
    </message>
    <message>
        <source>Refunded (each currency)</source>
        <translation>Erstattet (je Währung)</translation>
    </message>
    <message>
        <source>%1 credits restored</source>
        <translation>%1 Credits gutgeschrieben</translation>
    </message>
    <message>
        <source>Credits restored</source>
        <translation>Gutgeschriebene Credits</translation>
    </message>
    <message>
        <source>%1
Credits restored: %2
Click or Enter: those ledger entries</source>
        <translation>%1
Gutgeschriebene Credits: %2
Klick oder Eingabe: diese Buchungen</translation>
    </message>
    <message>
        <source>Decided requests</source>
        <translation>Entschiedene Anträge</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Genehmigt</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <source>%1, %2: %3 of %4
Click or Enter: these requests in the queue</source>
        <translation>%1, %2: %3 von %4
Klick oder Eingabe: diese Anträge in der Warteschlange</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>genehmigt</translation>
    </message>
    <message>
        <source>denied</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <source>%1 decided; most were %2 (%3)</source>
        <translation>%1 entschieden; am häufigsten: %2 (%3)</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>%1
Failed (%2): %3 of %4 jobs, %5
Click or Enter: these jobs</source>
        <translation>%1
Fehlgeschlagen (%2): %3 von %4 Jobs, %5
Klick oder Eingabe: diese Jobs</translation>
    </message>
    <message>
        <source>Failure rate (%)</source>
        <translation>Fehlerquote (%)</translation>
    </message>
    <message>
        <source>; %1 in %2, %3 in %4</source>
        <translation>; %1 in %2, %3 in %4</translation>
    </message>
    <message>
        <source>%1 jobs, failed: %2%3</source>
        <translation>%1 Jobs, fehlgeschlagen: %2%3</translation>
    </message>
    <message>
        <source>%1
%2: %3 answer(s)
Click or Enter: these requests</source>
        <translation>%1
%2: %3 Antwort(en)
Klick oder Eingabe: diese Anträge</translation>
    </message>
    <message>
        <source>Answers</source>
        <translation>Antworten</translation>
    </message>
    <message numerus="yes">
        <source>%Ln answer(s): %1 on time, %2 late</source>
        <translation>
            <numerusform>%Ln Antwort: %1 rechtzeitig, %2 verspätet</numerusform>
            <numerusform>%Ln Antworten: %1 rechtzeitig, %2 verspätet</numerusform>
        </translation>
    </message>
    <message>
        <source>%1
%2: %3 chargeback(s)
Click or Enter: their purchases</source>
        <translation>%1
%2: %3 Chargeback(s)
Klick oder Eingabe: die zugehörigen Käufe</translation>
    </message>
    <message>
        <source>Chargebacks</source>
        <translation>Chargebacks</translation>
    </message>
    <message>
        <source>Decisions</source>
        <translation>Entscheidungen</translation>
    </message>
    <message>
        <source>Overrides</source>
        <translation>Abweichungen</translation>
    </message>
    <message>
        <source>%1: %2 override(s) of %3 decisions, %4
Click or Enter: these requests</source>
        <translation>%1: %2 Abweichung(en) bei %3 Entscheidungen, %4
Klick oder Eingabe: diese Anträge</translation>
    </message>
    <message>
        <source>%1: %2 decision(s)
Click or Enter: these requests</source>
        <translation>%1: %2 Entscheidung(en)
Klick oder Eingabe: diese Anträge</translation>
    </message>
    <message numerus="yes">
        <source>%n reviewer(s)</source>
        <translation>
            <numerusform>%n Bearbeiter</numerusform>
            <numerusform>%n Bearbeiter</numerusform>
        </translation>
    </message>
    <message>
        <source>Money refunded and credits restored</source>
        <translation>Erstattetes Geld und gutgeschriebene Credits</translation>
    </message>
    <message>
        <source>Decided requests by type and verdict</source>
        <translation>Entschiedene Anträge nach Art und Entscheidung</translation>
    </message>
    <message>
        <source>Job failure rate by cause, with credit-backs</source>
        <translation>Fehlerquote der Jobs nach Ursache, mit Gutschriften</translation>
    </message>
    <message>
        <source>Answers on time and late (against the policy&apos;s answer date)</source>
        <translation>Antworten rechtzeitig und verspätet (gemessen am Antwortdatum der Richtlinie)</translation>
    </message>
    <message>
        <source>Chargebacks opened per month</source>
        <translation>Eröffnete Chargebacks pro Monat</translation>
    </message>
    <message>
        <source>Decisions per reviewer, with overrides</source>
        <translation>Entscheidungen je Bearbeiter, mit Abweichungen</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>Last month</source>
        <translation>Letzter Monat</translation>
    </message>
    <message>
        <source>Last quarter (3 months)</source>
        <translation>Letztes Quartal (3 Monate)</translation>
    </message>
    <message>
        <source>Last 12 months</source>
        <translation>Letzte 12 Monate</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>Eigener Zeitraum</translation>
    </message>
    <message>
        <source>The days the figures cover (UTC days)</source>
        <translation>Die Tage, die die Zahlen abdecken (UTC-Tage)</translation>
    </message>
    <message>
        <source>From this UTC day</source>
        <translation>Ab diesem UTC-Tag</translation>
    </message>
    <message>
        <source>To this UTC day, inclusive</source>
        <translation>Bis einschließlich dieses UTC-Tags</translation>
    </message>
    <message>
        <source>All profiles</source>
        <translation>Alle Profile</translation>
    </message>
    <message>
        <source>Policy profile</source>
        <translation>Richtlinienprofil</translation>
    </message>
    <message>
        <source>By day</source>
        <translation>Nach Tag</translation>
    </message>
    <message>
        <source>By week</source>
        <translation>Nach Woche</translation>
    </message>
    <message>
        <source>By month</source>
        <translation>Nach Monat</translation>
    </message>
    <message>
        <source>How the charts over time group the days</source>
        <translation>Wie die Zeitverläufe die Tage zusammenfassen</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Compute the figures again (F5)</source>
        <translation>Die Zahlen neu berechnen (F5)</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>Drucken…</translation>
    </message>
    <message>
        <source>Print the whole dashboard</source>
        <translation>Das ganze Dashboard drucken</translation>
    </message>
    <message>
        <source>&amp;Period</source>
        <translation>&amp;Zeitraum</translation>
    </message>
    <message>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>Money refunded</source>
        <translation>Erstattetes Geld</translation>
    </message>
    <message>
        <source>Credits restored for failed jobs</source>
        <translation>Gutgeschriebene Credits für fehlgeschlagene Jobs</translation>
    </message>
    <message>
        <source>Requests open now</source>
        <translation>Derzeit offene Anträge</translation>
    </message>
    <message>
        <source>Median time to decision</source>
        <translation>Mittlere Zeit bis zur Entscheidung</translation>
    </message>
    <message>
        <source>Override rate</source>
        <translation>Abweichungsquote</translation>
    </message>
    <message>
        <source>Payouts not paid back yet</source>
        <translation>Noch nicht zurückgezahlte Auszahlungen</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Speichern…</translation>
    </message>
    <message>
        <source>Save this chart as PNG or PDF</source>
        <translation>Dieses Diagramm als PNG oder PDF speichern</translation>
    </message>
    <message>
        <source>Save as &amp;PNG…</source>
        <translation>Als &amp;PNG speichern…</translation>
    </message>
    <message>
        <source>Save as P&amp;DF…</source>
        <translation>Als P&amp;DF speichern…</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>Wird berechnet…</translation>
    </message>
    <message>
        <source>Could not compute the figures.</source>
        <translation>Die Zahlen konnten nicht berechnet werden.</translation>
    </message>
    <message>
        <source>Updated %1 in %2 s</source>
        <translation>Aktualisiert %1 in %2 s</translation>
    </message>
    <message>
        <source>%1 of %2 revenue</source>
        <translation>%1 von %2 Umsatz</translation>
    </message>
    <message>
        <source>no %1 revenue in the range</source>
        <translation>kein Umsatz in %1 im Zeitraum</translation>
    </message>
    <message>
        <source>Nothing</source>
        <translation>Nichts</translation>
    </message>
    <message>
        <source>credits given back automatically</source>
        <translation>automatisch zurückgegebene Credits</translation>
    </message>
    <message numerus="yes">
        <source>%Ln overdue</source>
        <translation>
            <numerusform>%Ln überfällig</numerusform>
            <numerusform>%Ln überfällig</numerusform>
        </translation>
    </message>
    <message>
        <source>No decisions</source>
        <translation>Keine Entscheidungen</translation>
    </message>
    <message numerus="yes">
        <source>from request to decision, over %Ln decision(s)</source>
        <translation>
            <numerusform>vom Antrag bis zur Entscheidung, über %Ln Entscheidung</numerusform>
            <numerusform>vom Antrag bis zur Entscheidung, über %Ln Entscheidungen</numerusform>
        </translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keine</translation>
    </message>
    <message>
        <source>%1 pending, %2 sent, %3 unknown, %4 failed</source>
        <translation>%1 ausstehend, %2 gesendet, %3 unbekannt, %4 fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1 of %2 decisions went against the recommendation</source>
        <translation>%1 von %2 Entscheidungen gingen gegen die Empfehlung</translation>
    </message>
    <message>
        <source>week of %1</source>
        <translation>Woche vom %1</translation>
    </message>
    <message>
        <source>%1: choose a file ending in .png or .pdf</source>
        <translation>%1: Wählen Sie eine Datei mit der Endung .png oder .pdf</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Refund Desk</source>
        <translation>Refund Desk</translation>
    </message>
    <message>
        <source>the image could not be encoded</source>
        <translation>das Bild konnte nicht kodiert werden</translation>
    </message>
    <message>
        <source>Save chart</source>
        <translation>Diagramm speichern</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF-Dokumente (*.pdf)</translation>
    </message>
    <message>
        <source>Chart not saved</source>
        <translation>Diagramm nicht gespeichert</translation>
    </message>
    <message>
        <source>Refund Desk dashboard, %1 to %2 (UTC), %3</source>
        <translation>Refund-Desk-Dashboard, %1 bis %2 (UTC), %3</translation>
    </message>
    <message>
        <source>Refund Desk dashboard</source>
        <translation>Refund-Desk-Dashboard</translation>
    </message>
    <message>
        <source>Print the dashboard</source>
        <translation>Das Dashboard drucken</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>Data</name>
    <message>
        <source>is required</source>
        <translation>ist erforderlich</translation>
    </message>
    <message>
        <source>must be a string</source>
        <translation>muss eine Zeichenkette sein</translation>
    </message>
    <message>
        <source>must not be empty</source>
        <translation>darf nicht leer sein</translation>
    </message>
    <message>
        <source>is longer than %1 characters</source>
        <translation>ist länger als %1 Zeichen</translation>
    </message>
    <message>
        <source>must be a whole number</source>
        <translation>muss eine ganze Zahl sein</translation>
    </message>
    <message>
        <source>must be a whole number, not %1</source>
        <translation>muss eine ganze Zahl sein, nicht %1</translation>
    </message>
    <message>
        <source>must be a whole number from %1 to %2, not %3</source>
        <translation>muss eine ganze Zahl von %1 bis %2 sein, nicht %3</translation>
    </message>
    <message>
        <source>must be true or false</source>
        <translation>muss true oder false sein</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an RFC 3339 time such as 2026-03-05T10:00:00Z</source>
        <translation>„%1“ ist keine RFC-3339-Zeit wie 2026-03-05T10:00:00Z</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not one of %2</source>
        <translation>„%1“ ist keiner der Werte %2</translation>
    </message>
</context>
<context>
    <name>Database</name>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>invalid database URL &quot;%1&quot;: %2</source>
        <translation>ungültige Datenbank-URL „%1“: %2</translation>
    </message>
    <message>
        <source>the Qt SQL driver %1 is not installed (Debian package %2)</source>
        <translation>der Qt-SQL-Treiber %1 ist nicht installiert (Debian-Paket %2)</translation>
    </message>
    <message>
        <source>the folder %1 does not exist</source>
        <translation>den Ordner %1 gibt es nicht</translation>
    </message>
    <message>
        <source>cannot connect: %1</source>
        <translation>keine Verbindung möglich: %1</translation>
    </message>
    <message>
        <source>cannot use the database: %1</source>
        <translation>die Datenbank kann nicht verwendet werden: %1</translation>
    </message>
    <message>
        <source>the database has schema version %1, newer than this program knows (%2); use a newer Refund Desk</source>
        <translation>die Datenbank hat Schemaversion %1, neuer als die, die dieses Programm kennt (%2); verwenden Sie ein neueres Refund Desk</translation>
    </message>
    <message>
        <source>the file is read-only and has schema version %1, older than this program&apos;s %2; open it once where it may be written to upgrade it</source>
        <translation>die Datei ist schreibgeschützt und hat Schemaversion %1, älter als die %2 dieses Programms; öffnen Sie sie einmal dort, wo sie beschrieben werden darf, um sie zu aktualisieren</translation>
    </message>
    <message>
        <source>upgrading the schema to version %1 failed, nothing was changed: %2</source>
        <translation>die Aktualisierung des Schemas auf Version %1 ist fehlgeschlagen, nichts wurde geändert: %2</translation>
    </message>
</context>
<context>
    <name>DatabaseCommands</name>
    <message>
        <source>Creates the database schema, or upgrades it to the latest version; on PostgreSQL, with a login that may create roles, also the team&apos;s roles and what each may do. Safe to run again.</source>
        <translation>Legt das Datenbankschema an oder aktualisiert es auf die neueste Version; auf PostgreSQL mit einer Anmeldung, die Rollen anlegen darf, auch die Rollen des Teams und ihre Rechte. Kann gefahrlos wiederholt werden.</translation>
    </message>
    <message>
        <source>%1: schema is up to date (version %2)</source>
        <translation>%1: Schema ist aktuell (Version %2)</translation>
    </message>
    <message>
        <source>%1: schema upgraded from version %2 to %3</source>
        <translation>%1: Schema von Version %2 auf %3 aktualisiert</translation>
    </message>
    <message>
        <source>Number of accounts to create (default 200).</source>
        <translation>Anzahl der anzulegenden Konten (Vorgabe 200).</translation>
    </message>
    <message>
        <source>Random seed: the same seed gives the same data (default 1).</source>
        <translation>Zufallsstartwert: derselbe Wert ergibt dieselben Daten (Vorgabe 1).</translation>
    </message>
    <message>
        <source>Last day (YYYY-MM-DD, UTC) of the 12 months the data covers (default today).</source>
        <translation>Letzter Tag (JJJJ-MM-TT, UTC) der 12 Monate, die die Daten abdecken (Vorgabe heute).</translation>
    </message>
    <message>
        <source>Print no progress.</source>
        <translation>Keinen Fortschritt ausgeben.</translation>
    </message>
    <message>
        <source>Write the demo&apos;s accounts, purchases, jobs, outages, requests and chargebacks as an NDJSON events file for &apos;refundctl ingest&apos; instead of into the database.</source>
        <translation>Die Konten, Käufe, Jobs, Ausfälle, Anträge und Chargebacks der Demo als NDJSON-Ereignisdatei für „refundctl ingest“ schreiben statt in die Datenbank.</translation>
    </message>
    <message>
        <source>Fills the database with realistic, reproducible demo data: accounts on all five policy profiles, purchases, jobs, credit-backs, refund requests, chargebacks and outages.</source>
        <translation>Füllt die Datenbank mit realistischen, reproduzierbaren Demodaten: Konten auf allen fünf Richtlinienprofilen, Käufe, Jobs, Gutschriften, Erstattungsanträge, Chargebacks und Ausfälle.</translation>
    </message>
    <message>
        <source>--accounts needs a whole number from 0 to 10000000, not &apos;%1&apos;</source>
        <translation>--accounts erwartet eine ganze Zahl von 0 bis 10000000, nicht „%1“</translation>
    </message>
    <message>
        <source>--seed needs a non-negative whole number, not &apos;%1&apos;</source>
        <translation>--seed erwartet eine nicht negative ganze Zahl, nicht „%1“</translation>
    </message>
    <message>
        <source>--until needs a date as YYYY-MM-DD, not &apos;%1&apos;</source>
        <translation>--until erwartet ein Datum als JJJJ-MM-TT, nicht „%1“</translation>
    </message>
    <message>
        <source>accounts: %1 / %2</source>
        <translation>Konten: %1 / %2</translation>
    </message>
    <message>
        <source>, indexing and committing…</source>
        <translation>, indizieren und festschreiben…</translation>
    </message>
    <message>
        <source>%1 rows (%2 accounts, %3 ledger entries, %4 refund requests) in %5 s: %6 rows/s into %7</source>
        <translation>%1 Zeilen (%2 Konten, %3 Buchungen, %4 Erstattungsanträge) in %5 s: %6 Zeilen/s in %7</translation>
    </message>
    <message>
        <source>Prints counts of the database as one JSON object.</source>
        <translation>Gibt Zählungen der Datenbank als ein JSON-Objekt aus.</translation>
    </message>
    <message>
        <source>Usage: refundctl rollups rebuild
       refundctl rollups check
The dashboard reads small tables of sums per day (rollups) that the database keeps with every write. rebuild counts them all again from the facts, in one transaction (writers wait; readers do not); check compares each with a count of its facts and exits 1 when one differs. refundctl check does the same among its checks.
</source>
        <translation>Aufruf: refundctl rollups rebuild
       refundctl rollups check
Das Dashboard liest kleine Tabellen mit Summen je Tag (Rollups), die die Datenbank bei jedem Schreiben fortführt. rebuild zählt sie alle neu aus den Fakten, in einer Transaktion (Schreibende warten, Lesende nicht); check vergleicht jedes mit einer Zählung seiner Fakten und endet mit 1, wenn eines abweicht. refundctl check tut dasselbe unter seinen Prüfungen.
</translation>
    </message>
    <message>
        <source>say rebuild or check</source>
        <translation>rebuild oder check angeben</translation>
    </message>
    <message>
        <source>unknown action &apos;%1&apos;; say rebuild or check</source>
        <translation>unbekannte Aktion „%1“; rebuild oder check angeben</translation>
    </message>
    <message>
        <source>The dashboard&apos;s rollups.</source>
        <translation>Die Rollups des Dashboards.</translation>
    </message>
    <message>
        <source>%1: %2 groups, counted in %3 ms</source>
        <translation>%1: %2 Gruppen, gezählt in %3 ms</translation>
    </message>
    <message>
        <source>%1: agrees with the facts (%2 ms)</source>
        <translation>%1: stimmt mit den Fakten überein (%2 ms)</translation>
    </message>
</context>
<context>
    <name>DatabaseUrl</name>
    <message>
        <source>the database URL is empty</source>
        <translation>die Datenbank-URL ist leer</translation>
    </message>
    <message>
        <source>a sqlite: URL needs a file path, e.g. sqlite:/home/me/refunds.db</source>
        <translation>eine sqlite:-URL braucht einen Dateipfad, z. B. sqlite:/home/ich/erstattungen.db</translation>
    </message>
    <message>
        <source>a PostgreSQL URL looks like postgresql://user[:password]@host[:port]/dbname</source>
        <translation>eine PostgreSQL-URL sieht so aus: postgresql://benutzer[:passwort]@host[:port]/dbname</translation>
    </message>
    <message>
        <source>the PostgreSQL URL names no database (…/dbname)</source>
        <translation>die PostgreSQL-URL nennt keine Datenbank (…/dbname)</translation>
    </message>
    <message>
        <source>sslmode must be one of %1, not &quot;%2&quot;</source>
        <translation>sslmode muss einer der Werte %1 sein, nicht „%2“</translation>
    </message>
    <message>
        <source>unknown parameter &quot;%1&quot; in the PostgreSQL URL (known: sslmode, sslrootcert)</source>
        <translation>unbekannter Parameter „%1“ in der PostgreSQL-URL (bekannt: sslmode, sslrootcert)</translation>
    </message>
    <message>
        <source>unknown database URL scheme; use sqlite:/path/file.db or postgresql://user@host[:port]/dbname</source>
        <translation>unbekanntes Schema der Datenbank-URL; verwenden Sie sqlite:/pfad/datei.db oder postgresql://benutzer@host[:port]/dbname</translation>
    </message>
    <message>
        <source>host, user and database name are required</source>
        <translation>Host, Benutzer und Datenbankname sind erforderlich</translation>
    </message>
</context>
<context>
    <name>DeadlineDelegate</name>
    <message>
        <source>%1 overdue</source>
        <translation>%1 überfällig</translation>
    </message>
    <message>
        <source>%1 today</source>
        <translation>%1 heute</translation>
    </message>
</context>
<context>
    <name>DecisionDialog</name>
    <message>
        <source>Approve</source>
        <translation>Genehmigen</translation>
    </message>
    <message>
        <source>Approve request %1</source>
        <translation>Antrag %1 genehmigen</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <source>Deny request %1</source>
        <translation>Antrag %1 ablehnen</translation>
    </message>
    <message>
        <source>Escalate</source>
        <translation>Eskalieren</translation>
    </message>
    <message>
        <source>Escalate request %1</source>
        <translation>Antrag %1 eskalieren</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; for %2 &amp;lt;%3&amp;gt;.&lt;br&gt;The policy recommends: &lt;span style=&apos;background-color:%4; color:white&apos;&gt;&amp;nbsp;%5&amp;nbsp;&lt;/span&gt; %6</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; für %2 &amp;lt;%3&amp;gt;.&lt;br&gt;Die Richtlinie empfiehlt: &lt;span style=&apos;background-color:%4; color:white&apos;&gt;&amp;nbsp;%5&amp;nbsp;&lt;/span&gt; %6</translation>
    </message>
    <message>
        <source>&lt;b&gt;Already compensated: this cannot be approved.&lt;/b&gt; </source>
        <translation>&lt;b&gt;Bereits entschädigt: Das kann nicht genehmigt werden.&lt;/b&gt; </translation>
    </message>
    <message>
        <source>Purchase %1 already got: %2.</source>
        <translation>Kauf %1 hat bereits erhalten: %2.</translation>
    </message>
    <message>
        <source>&lt;b&gt;This is an override.&lt;/b&gt; The policy recommends %1 (%2). Deciding otherwise needs a note saying why; it is recorded with your name.</source>
        <translation>&lt;b&gt;Dies ist eine Abweichung.&lt;/b&gt; Die Richtlinie empfiehlt %1 (%2). Eine andere Entscheidung braucht eine Notiz mit der Begründung; sie wird mit Ihrem Namen gespeichert.</translation>
    </message>
    <message>
        <source>Choose the clause that applies…</source>
        <translation>Wählen Sie die zutreffende Klausel…</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Grund:</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Deny the request instead (D).</source>
        <translation>Lehnen Sie den Antrag stattdessen ab (D).</translation>
    </message>
    <message>
        <source>Why? (required for an override)</source>
        <translation>Warum? (für eine Abweichung erforderlich)</translation>
    </message>
    <message>
        <source>Internal note (optional)</source>
        <translation>Interne Notiz (optional)</translation>
    </message>
    <message>
        <source>What should the next reviewer look at?</source>
        <translation>Worauf soll der nächste Bearbeiter achten?</translation>
    </message>
    <message>
        <source>&amp;Note:</source>
        <translation>&amp;Notiz:</translation>
    </message>
    <message>
        <source>Ctrl+Enter confirms, Esc cancels. This cannot be undone.</source>
        <translation>Strg+Eingabe bestätigt, Esc bricht ab. Dies kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Ctrl+Enter confirms, Esc cancels.</source>
        <translation>Strg+Eingabe bestätigt, Esc bricht ab.</translation>
    </message>
    <message>
        <source>The purchase already received this remedy, or all it paid or delivered: deny the request instead.</source>
        <translation>Der Kauf hat diese Leistung oder alles, was er bezahlt oder geliefert hat, bereits erhalten: Lehnen Sie den Antrag stattdessen ab.</translation>
    </message>
    <message>
        <source>Outcome:</source>
        <translation>Ergebnis:</translation>
    </message>
    <message>
        <source>The chargeback is recorded as lost: the bank keeps the reversal. No amount is paid by us.</source>
        <translation>Der Chargeback wird als verloren erfasst: Die Bank behält die Rückbuchung. Wir zahlen keinen Betrag.</translation>
    </message>
    <message>
        <source>Remedy:</source>
        <translation>Leistung:</translation>
    </message>
    <message numerus="yes">
        <source>Restore %n credit(s) to the account</source>
        <translation>
            <numerusform>%n Credit dem Konto gutschreiben</numerusform>
            <numerusform>%n Credits dem Konto gutschreiben</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to refund: no purchase is named.</source>
        <translation>Nichts zu erstatten: Es ist kein Kauf genannt.</translation>
    </message>
    <message>
        <source>Amount to refund</source>
        <translation>Zu erstattender Betrag</translation>
    </message>
    <message>
        <source>Money refund of up to %1 (recommended); it may be lowered, never raised.</source>
        <translation>Gelderstattung bis zu %1 (empfohlen); sie darf gesenkt, nie erhöht werden.</translation>
    </message>
    <message>
        <source>The policy names no amount. At most %1 is still refundable on purchase %2.</source>
        <translation>Die Richtlinie nennt keinen Betrag. Auf Kauf %2 sind höchstens noch %1 erstattbar.</translation>
    </message>
    <message>
        <source>&amp;Amount (%1):</source>
        <translation>&amp;Betrag (%1):</translation>
    </message>
    <message>
        <source>The %1 credits left of this purchase are taken back from the balance.</source>
        <translation>Die verbliebenen %1 Credits dieses Kaufs werden vom Guthaben abgezogen.</translation>
    </message>
    <message>
        <source>No credits of this purchase are left to take back.</source>
        <translation>Von diesem Kauf sind keine Credits mehr übrig, die abgezogen werden könnten.</translation>
    </message>
    <message>
        <source>%1 of its %2 credits were already spent (or taken back) and stay so: the customer keeps what they were used for.</source>
        <translation>%1 seiner %2 Credits wurden bereits verbraucht (oder abgezogen) und bleiben es: Der Kunde behält, wofür sie verwendet wurden.</translation>
    </message>
    <message>
        <source>Credits:</source>
        <translation>Credits:</translation>
    </message>
    <message>
        <source>The purchase&apos;s credits stay: only the extra charge goes back.</source>
        <translation>Die Credits des Kaufs bleiben: Nur der zu viel berechnete Betrag geht zurück.</translation>
    </message>
    <message>
        <source>This purchase was already compensated: the request can only be denied.</source>
        <translation>Dieser Kauf wurde bereits entschädigt: Der Antrag kann nur abgelehnt werden.</translation>
    </message>
    <message>
        <source>An override needs a note saying why.</source>
        <translation>Eine Abweichung braucht eine Notiz mit der Begründung.</translation>
    </message>
    <message>
        <source>A denial needs a reason: choose a clause or write one.</source>
        <translation>Eine Ablehnung braucht einen Grund: Wählen Sie eine Klausel oder schreiben Sie einen.</translation>
    </message>
    <message>
        <source>Enter the amount to refund, e.g. 12.50.</source>
        <translation>Geben Sie den zu erstattenden Betrag ein, z. B. 12,50.</translation>
    </message>
    <message>
        <source>%1 is more than the %2 allowed here.</source>
        <translation>%1 ist mehr als die hier erlaubten %2.</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
</context>
<context>
    <name>DeskSettings</name>
    <message>
        <source>no setting &quot;%1&quot;; the settings are: %2</source>
        <translation>keine Einstellung „%1“; die Einstellungen sind: %2</translation>
    </message>
    <message>
        <source>%1 is a whole number of cents, 0 or more, not &quot;%2&quot;</source>
        <translation>%1 ist eine ganze Zahl von Cent, 0 oder mehr, nicht „%2“</translation>
    </message>
</context>
<context>
    <name>DisplayNames</name>
    <message>
        <source>Failed job</source>
        <translation>Fehlgeschlagener Job</translation>
    </message>
    <message>
        <source>Unused credits</source>
        <translation>Ungenutzte Credits</translation>
    </message>
    <message>
        <source>Accidental purchase</source>
        <translation>Versehentlicher Kauf</translation>
    </message>
    <message>
        <source>Duplicate charge</source>
        <translation>Doppelte Abbuchung</translation>
    </message>
    <message>
        <source>Billing error</source>
        <translation>Abrechnungsfehler</translation>
    </message>
    <message>
        <source>Not delivered</source>
        <translation>Nicht geliefert</translation>
    </message>
    <message>
        <source>Outage</source>
        <translation>Ausfall</translation>
    </message>
    <message>
        <source>Dissatisfied</source>
        <translation>Unzufrieden</translation>
    </message>
    <message>
        <source>Subscription</source>
        <translation>Abonnement</translation>
    </message>
    <message>
        <source>Legal</source>
        <translation>Rechtlich</translation>
    </message>
    <message>
        <source>Chargeback</source>
        <translation>Chargeback</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Escalated</source>
        <translation>Eskaliert</translation>
    </message>
    <message>
        <source>Waiting for second approval</source>
        <translation>Wartet auf Zweitfreigabe</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Genehmigt</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <source>Terminated</source>
        <translation>Gekündigt</translation>
    </message>
    <message>
        <source>Pending: not sent yet</source>
        <translation>Ausstehend: noch nicht gesendet</translation>
    </message>
    <message>
        <source>Sent: the processor is paying it back</source>
        <translation>Gesendet: Der Zahlungsdienstleister zahlt zurück</translation>
    </message>
    <message>
        <source>Paid back</source>
        <translation>Zurückgezahlt</translation>
    </message>
    <message>
        <source>Failed: nothing was paid back</source>
        <translation>Fehlgeschlagen: Nichts wurde zurückgezahlt</translation>
    </message>
    <message>
        <source>Unknown: being reconciled</source>
        <translation>Unbekannt: wird abgeglichen</translation>
    </message>
    <message>
        <source>Purchase</source>
        <translation>Kauf</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>Verbrauch</translation>
    </message>
    <message>
        <source>Job credit-back</source>
        <translation>Job-Gutschrift</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>Erstattung</translation>
    </message>
    <message>
        <source>Clawback</source>
        <translation>Rückforderung</translation>
    </message>
    <message>
        <source>Forfeiture</source>
        <translation>Verfall</translation>
    </message>
    <message>
        <source>Adjustment</source>
        <translation>Korrektur</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>In der Warteschlange</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>Erfolgreich</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Needs attention (failed, unknown)</source>
        <translation>Braucht Aufmerksamkeit (fehlgeschlagen, unbekannt)</translation>
    </message>
    <message>
        <source>viewer</source>
        <translation>Leser</translation>
    </message>
    <message>
        <source>reviewer</source>
        <translation>Bearbeiter</translation>
    </message>
    <message>
        <source>lead</source>
        <translation>Teamleitung</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>Plattform</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
    <message>
        <source>Disputed</source>
        <translation>Strittig</translation>
    </message>
    <message>
        <source>Charged twice</source>
        <translation>Doppelt belastet</translation>
    </message>
    <message>
        <source>Chargeback open (opened in dates)</source>
        <translation>Chargeback offen (im Zeitraum eröffnet)</translation>
    </message>
    <message>
        <source>Chargeback won (opened in dates)</source>
        <translation>Chargeback gewonnen (im Zeitraum eröffnet)</translation>
    </message>
    <message>
        <source>Chargeback lost (opened in dates)</source>
        <translation>Chargeback verloren (im Zeitraum eröffnet)</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Won</source>
        <translation>Gewonnen</translation>
    </message>
    <message>
        <source>Lost</source>
        <translation>Verloren</translation>
    </message>
    <message>
        <source>On time</source>
        <translation>Rechtzeitig</translation>
    </message>
    <message>
        <source>Late</source>
        <translation>Verspätet</translation>
    </message>
    <message>
        <source>Money refund</source>
        <translation>Gelderstattung</translation>
    </message>
    <message>
        <source>Credits restored</source>
        <translation>Credits gutgeschrieben</translation>
    </message>
    <message>
        <source>Nothing</source>
        <translation>Nichts</translation>
    </message>
    <message>
        <source>Triaged</source>
        <translation>Vorgeprüft</translation>
    </message>
    <message>
        <source>First approval, waiting for a second</source>
        <translation>Erste Freigabe, wartet auf eine zweite</translation>
    </message>
    <message>
        <source>Sent back</source>
        <translation>Zurückgeschickt</translation>
    </message>
    <message>
        <source>Decision reversed</source>
        <translation>Entscheidung zurückgenommen</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>Zugewiesen</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>Chargeback opened</source>
        <translation>Chargeback eröffnet</translation>
    </message>
    <message>
        <source>Credited back</source>
        <translation>Gutgeschrieben</translation>
    </message>
    <message>
        <source>Payout sent</source>
        <translation>Auszahlung gesendet</translation>
    </message>
    <message>
        <source>Payout accepted by the processor</source>
        <translation>Auszahlung vom Zahlungsdienstleister angenommen</translation>
    </message>
    <message>
        <source>Payout paid back</source>
        <translation>Auszahlung zurückgezahlt</translation>
    </message>
    <message>
        <source>Payout failed</source>
        <translation>Auszahlung fehlgeschlagen</translation>
    </message>
    <message>
        <source>Payout outcome unknown</source>
        <translation>Ausgang der Auszahlung unbekannt</translation>
    </message>
    <message>
        <source>Payout retried</source>
        <translation>Auszahlung erneut versucht</translation>
    </message>
    <message>
        <source>%1 refunded by request %2 (%3)</source>
        <translation>%1 erstattet durch Antrag %2 (%3)</translation>
    </message>
    <message>
        <source>%1 credits restored by request %2 (%3)</source>
        <translation>%1 Credits gutgeschrieben durch Antrag %2 (%3)</translation>
    </message>
    <message>
        <source>%1 charged back by the bank</source>
        <translation>%1 von der Bank zurückgebucht</translation>
    </message>
</context>
<context>
    <name>ExportCommands</name>
    <message>
        <source>List the reports.</source>
        <translation>Die Berichte auflisten.</translation>
    </message>
    <message>
        <source>First day (YYYY-MM-DD, UTC) to include.</source>
        <translation>Erster Tag (JJJJ-MM-TT, UTC), der enthalten sein soll.</translation>
    </message>
    <message>
        <source>Last day (YYYY-MM-DD, UTC) to include.</source>
        <translation>Letzter Tag (JJJJ-MM-TT, UTC), der enthalten sein soll.</translation>
    </message>
    <message>
        <source>Only accounts on this policy profile.</source>
        <translation>Nur Konten mit diesem Richtlinienprofil.</translation>
    </message>
    <message>
        <source>Where to write the CSV; - (the default) for standard output. A file appears only when complete.</source>
        <translation>Wohin die CSV geschrieben wird; - (die Vorgabe) für die Standardausgabe. Eine Datei erscheint erst, wenn sie vollständig ist.</translation>
    </message>
    <message>
        <source>Start with a UTF-8 byte order mark (for Excel).</source>
        <translation>Mit einer UTF-8-Bytereihenfolge-Markierung beginnen (für Excel).</translation>
    </message>
    <message>
        <source>The report to export.</source>
        <translation>Der zu exportierende Bericht.</translation>
    </message>
    <message>
        <source>Exports a report as CSV (RFC 4180, UTF-8, times in ISO 8601 UTC, money as exact decimals with a currency column; text a spreadsheet would run as a formula is neutralised).</source>
        <translation>Exportiert einen Bericht als CSV (RFC 4180, UTF-8, Zeiten in ISO 8601 UTC, Geldbeträge als exakte Dezimalzahlen mit einer Währungsspalte; Text, den eine Tabellenkalkulation als Formel ausführen würde, wird entschärft).</translation>
    </message>
    <message>
        <source>name one report (refundctl export --list shows them)</source>
        <translation>nennen Sie einen Bericht (refundctl export --list zeigt sie)</translation>
    </message>
    <message>
        <source>--%1 wants a date like 2026-11-01, not &apos;%2&apos;</source>
        <translation>--%1 erwartet ein Datum wie 2026-11-01, nicht „%2“</translation>
    </message>
    <message>
        <source>--to is before --from</source>
        <translation>--to liegt vor --from</translation>
    </message>
    <message>
        <source>unknown report &apos;%1&apos; (refundctl export --list shows them)</source>
        <translation>unbekannter Bericht „%1“ (refundctl export --list zeigt sie)</translation>
    </message>
    <message>
        <source>rows: %1</source>
        <translation>Zeilen: %1</translation>
    </message>
    <message>
        <source>refundctl export: %1</source>
        <translation>refundctl export: %1</translation>
    </message>
    <message>
        <source>%1 rows to %2 in %3 s (%4 rows/s)</source>
        <translation>%1 Zeilen nach %2 in %3 s (%4 Zeilen/s)</translation>
    </message>
</context>
<context>
    <name>IntakeCommands</name>
    <message>
        <source>Check every event against the database; write nothing.</source>
        <translation>Jedes Ereignis gegen die Datenbank prüfen; nichts schreiben.</translation>
    </message>
    <message>
        <source>Print the result as one JSON object.</source>
        <translation>Das Ergebnis als ein JSON-Objekt ausgeben.</translation>
    </message>
    <message>
        <source>Print no progress.</source>
        <translation>Keinen Fortschritt ausgeben.</translation>
    </message>
    <message>
        <source>Events as NDJSON, one per line; - reads standard input.</source>
        <translation>Ereignisse als NDJSON, eines pro Zeile; - liest die Standardeingabe.</translation>
    </message>
    <message>
        <source>Applies the platform&apos;s events (accounts, purchases, jobs, outages, refund requests, chargebacks; INTEGRATION.md): the whole file in one transaction or nothing, each event once by its id. Prints &apos;N applied, M duplicates&apos;; on a problem, one line each on stderr (at most 20), nothing written, exit 2.</source>
        <translation>Übernimmt die Ereignisse der Plattform (Konten, Käufe, Jobs, Ausfälle, Erstattungsanträge, Chargebacks; INTEGRATION.md): die ganze Datei in einer Transaktion oder gar nichts, jedes Ereignis einmal anhand seiner ID. Gibt „N übernommen, M Duplikate“ aus; bei einem Problem je eine Zeile auf stderr (höchstens 20), nichts geschrieben, Exit-Code 2.</translation>
    </message>
    <message>
        <source>give one events file (or - for standard input)</source>
        <translation>geben Sie eine Ereignisdatei an (oder - für die Standardeingabe)</translation>
    </message>
    <message>
        <source>%1: cannot read: %2</source>
        <translation>%1: kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 events read…</source>
        <translation>%1 Ereignisse gelesen…</translation>
    </message>
    <message>
        <source>... and %1 more problems</source>
        <translation>… und %1 weitere Probleme</translation>
    </message>
    <message>
        <source>%1: nothing was written (%2 of %3 events refused)</source>
        <translation>%1: nichts wurde geschrieben (%2 von %3 Ereignissen abgewiesen)</translation>
    </message>
    <message>
        <source>%1 would be applied, %2 duplicates (dry run: nothing written)</source>
        <translation>%1 würden übernommen, %2 Duplikate (Probelauf: nichts geschrieben)</translation>
    </message>
    <message>
        <source>%1 applied, %2 duplicates</source>
        <translation>%1 übernommen, %2 Duplikate</translation>
    </message>
    <message>
        <source>%1 events in %2 s: %3 events/s</source>
        <translation>%1 Ereignisse in %2 s: %3 Ereignisse/s</translation>
    </message>
    <message>
        <source>Only events after this sequence number (default 0).</source>
        <translation>Nur Ereignisse nach dieser Sequenznummer (Vorgabe 0).</translation>
    </message>
    <message>
        <source>At most this many events (default 500, at most 5000).</source>
        <translation>Höchstens so viele Ereignisse (Vorgabe 500, höchstens 5000).</translation>
    </message>
    <message>
        <source>Prints, as NDJSON in commit order, what the platform must mirror of the desk&apos;s changes: credits restored and revoked, account suspensions, decisions with their reply, refunds on their way.</source>
        <translation>Gibt als NDJSON in der Reihenfolge der Festschreibung aus, was die Plattform von den Änderungen der Oberfläche übernehmen muss: gutgeschriebene und entzogene Credits, Kontosperrungen, Entscheidungen mit ihrer Antwort, laufende Erstattungen.</translation>
    </message>
    <message>
        <source>--after needs a sequence number, not &apos;%1&apos;</source>
        <translation>--after erwartet eine Sequenznummer, nicht „%1“</translation>
    </message>
    <message>
        <source>--limit needs a whole number from 1 to 5000, not &apos;%1&apos;</source>
        <translation>--limit erwartet eine ganze Zahl von 1 bis 5000, nicht „%1“</translation>
    </message>
</context>
<context>
    <name>IntakeError</name>
    <message>
        <source>line %1</source>
        <translation>Zeile %1</translation>
    </message>
</context>
<context>
    <name>IntakeProblems</name>
    <message>
        <source>unknown %1 &quot;%2&quot; (send %3 first)</source>
        <translation>unbekannt: %1 „%2“ (senden Sie zuerst %3)</translation>
    </message>
    <message>
        <source>unknown policy profile &quot;%1&quot;</source>
        <translation>unbekanntes Richtlinienprofil „%1“</translation>
    </message>
    <message>
        <source>&quot;%1&quot; already belongs to account %2</source>
        <translation>„%1“ gehört bereits zu Konto %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is already the payment of purchase %2</source>
        <translation>„%1“ ist bereits die Zahlung von Kauf %2</translation>
    </message>
    <message>
        <source>account &quot;%1&quot; has %2 credits; the job spends %3</source>
        <translation>Konto „%1“ hat %2 Credits; der Job verbraucht %3</translation>
    </message>
</context>
<context>
    <name>InvariantChecker</name>
    <message>
        <source>account %1: balance %2 but its ledger entries sum to %3</source>
        <translation>Konto %1: Guthaben %2, aber seine Buchungen ergeben %3</translation>
    </message>
    <message>
        <source>account %1: negative balance %2</source>
        <translation>Konto %1: negatives Guthaben %2</translation>
    </message>
    <message>
        <source>account %1: balance went negative (%2) at ledger entry %3</source>
        <translation>Konto %1: Guthaben wurde bei Buchung %3 negativ (%2)</translation>
    </message>
    <message>
        <source>account %1: balance %2 but its credit lots hold %3</source>
        <translation>Konto %1: Guthaben %2, aber seine Credit-Posten enthalten %3</translation>
    </message>
    <message>
        <source>purchase %1: %2 paid but %3 went back (our refunds and the chargebacks lost before them)</source>
        <translation>Kauf %1: %2 bezahlt, aber %3 zurückgeflossen (unsere Erstattungen und die davor verlorenen Chargebacks)</translation>
    </message>
    <message>
        <source>purchase %1: delivered %2 credits but %3 were restored for it</source>
        <translation>Kauf %1: %2 Credits geliefert, aber %3 dafür gutgeschrieben</translation>
    </message>
    <message>
        <source>purchase %1: %2 granted %3 times (requests %4); a remedy is granted once</source>
        <translation>Kauf %1: %2 %3-mal gewährt (Anträge %4); eine Leistung wird einmal gewährt</translation>
    </message>
    <message>
        <source>job %1: credited back %2 times</source>
        <translation>Job %1: %2-mal gutgeschrieben</translation>
    </message>
    <message>
        <source>job %1: credit-back of %2 credits for a %3 job of %4 credits</source>
        <translation>Job %1: Gutschrift von %2 Credits für einen Job (%3) über %4 Credits</translation>
    </message>
    <message>
        <source>request %1: %2 but no decision recorded</source>
        <translation>Antrag %1: %2, aber keine Entscheidung erfasst</translation>
    </message>
    <message>
        <source>request %1: status %2 but its decision is %3</source>
        <translation>Antrag %1: Status %2, aber seine Entscheidung ist %3</translation>
    </message>
    <message>
        <source>request %1: decision refunds %2 cents but its payouts hold %3</source>
        <translation>Antrag %1: die Entscheidung erstattet %2 Cent, aber seine Auszahlungen enthalten %3</translation>
    </message>
    <message>
        <source>request %1: decision restores %2 and takes back %3 credits but its ledger entries restore %4 and take back %5</source>
        <translation>Antrag %1: die Entscheidung schreibt %2 Credits gut und zieht %3 ab, aber seine Buchungen schreiben %4 gut und ziehen %5 ab</translation>
    </message>
    <message>
        <source>request %1 (%2): has a remedy (ledger entry %3) but is not approved</source>
        <translation>Antrag %1 (%2): hat eine Leistung (Buchung %3), ist aber nicht genehmigt</translation>
    </message>
    <message>
        <source>request %1 (%2): has payout %3 but is not approved</source>
        <translation>Antrag %1 (%2): hat Auszahlung %3, ist aber nicht genehmigt</translation>
    </message>
    <message>
        <source>ledger entry %1 (%2, %3 credits on account %4) has no cause on that account: no matching purchase, job, chargeback or approved decision</source>
        <translation>Buchung %1 (%2, %3 Credits auf Konto %4) hat auf diesem Konto keine Ursache: kein passender Kauf, Job, Chargeback und keine genehmigte Entscheidung</translation>
    </message>
    <message>
        <source>payout %1 (%2 minor units %3 on account %4, purchase %5) matches no approved money refund of that account, purchase, currency and amount</source>
        <translation>Auszahlung %1 (%2 kleinste Einheiten %3 auf Konto %4, Kauf %5) passt zu keiner genehmigten Gelderstattung dieses Kontos, Kaufs, dieser Währung und dieses Betrags</translation>
    </message>
    <message>
        <source>request %1: %2 but its audit trail has no record of the decision</source>
        <translation>Antrag %1: %2, aber sein Audit-Protokoll enthält die Entscheidung nicht</translation>
    </message>
    <message>
        <source>payout %1 is %2 but its audit trail does not say how it got there</source>
        <translation>Auszahlung %1 ist %2, aber ihr Audit-Protokoll sagt nicht, wie es dazu kam</translation>
    </message>
    <message>
        <source>ledger entry %1 (%2, %3 credits) moves credits for request %4, whose audit trail has no decision or chargeback</source>
        <translation>Buchung %1 (%2, %3 Credits) bewegt Credits für Antrag %4, dessen Audit-Protokoll keine Entscheidung und keinen Chargeback enthält</translation>
    </message>
    <message>
        <source>the decision of request %1 was reversed but its ledger entry %2 (%3 credits) was not</source>
        <translation>die Entscheidung zu Antrag %1 wurde zurückgenommen, ihre Buchung %2 (%3 Credits) aber nicht</translation>
    </message>
    <message>
        <source>the decision of request %1 was reversed by %2 but the audit trail does not say so</source>
        <translation>die Entscheidung zu Antrag %1 wurde von %2 zurückgenommen, aber das Audit-Protokoll sagt das nicht</translation>
    </message>
    <message>
        <source>request %1 waits for a second approval but has no first approval waiting for an answer</source>
        <translation>Antrag %1 wartet auf eine Zweitfreigabe, hat aber keine erste Freigabe, die auf Antwort wartet</translation>
    </message>
    <message>
        <source>decision %1 of request %2 names %3 as its second approver, who has no approval of %4&apos;s first approval on record</source>
        <translation>Entscheidung %1 zu Antrag %2 nennt %3 als Zweitfreigebende(n), für die/den keine Freigabe der ersten Freigabe von %4 erfasst ist</translation>
    </message>
    <message>
        <source>... and %1 more like the above</source>
        <translation>… und %1 weitere wie oben</translation>
    </message>
    <message>
        <source>%1: %2 group(s) differ from a count of the facts (the dashboard shows them; refundctl rollups rebuild counts them again)</source>
        <translation>%1: %2 Gruppe(n) weichen von einer Zählung der Fakten ab (das Dashboard zeigt sie; refundctl rollups rebuild zählt sie neu)</translation>
    </message>
</context>
<context>
    <name>JobTableModel</name>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Account ID</source>
        <translation>Konto-ID</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Credits</source>
        <translation>Credits</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Failure</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Credited back</source>
        <translation>Gutgeschrieben</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
</context>
<context>
    <name>LedgerRepository</name>
    <message>
        <source>no account with id %1</source>
        <translation>kein Konto mit der ID %1</translation>
    </message>
</context>
<context>
    <name>LedgerTableModel</name>
    <message>
        <source>Entry</source>
        <translation>Buchung</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Account ID</source>
        <translation>Konto-ID</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Credits</source>
        <translation>Credits</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>Guthaben</translation>
    </message>
    <message>
        <source>Purchase</source>
        <translation>Kauf</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>Antrag</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Refund Desk</source>
        <translation>Refund Desk</translation>
    </message>
    <message>
        <source>%1 (read-only: nothing can be changed)</source>
        <translation>%1 (schreibgeschützt: Nichts kann geändert werden)</translation>
    </message>
    <message>
        <source>Connection restored.</source>
        <translation>Verbindung wiederhergestellt.</translation>
    </message>
    <message>
        <source>&amp;New request…</source>
        <translation>&amp;Neuer Antrag…</translation>
    </message>
    <message>
        <source>Request %1 saved and triaged.</source>
        <translation>Antrag %1 gespeichert und vorgeprüft.</translation>
    </message>
    <message>
        <source>&amp;Approve…</source>
        <translation>&amp;Genehmigen…</translation>
    </message>
    <message>
        <source>&amp;Deny…</source>
        <translation>&amp;Ablehnen…</translation>
    </message>
    <message>
        <source>&amp;Escalate…</source>
        <translation>&amp;Eskalieren…</translation>
    </message>
    <message>
        <source>Give second appro&amp;val…</source>
        <translation>&amp;Zweitfreigabe erteilen…</translation>
    </message>
    <message>
        <source>Send bac&amp;k…</source>
        <translation>Zurüc&amp;kschicken…</translation>
    </message>
    <message>
        <source>&amp;Reverse decision…</source>
        <translation>Entscheidung zu&amp;rücknehmen…</translation>
    </message>
    <message>
        <source>Assign to &amp;me</source>
        <translation>&amp;Mir zuweisen</translation>
    </message>
    <message>
        <source>&amp;Copy reply draft</source>
        <translation>Antwortentwurf kop&amp;ieren</translation>
    </message>
    <message>
        <source>Ne&amp;xt request</source>
        <translation>Nä&amp;chster Antrag</translation>
    </message>
    <message>
        <source>&amp;Previous request</source>
        <translation>&amp;Vorheriger Antrag</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>Ak&amp;tualisieren</translation>
    </message>
    <message>
        <source>&amp;Print the dashboard…</source>
        <translation>Dashboard &amp;drucken…</translation>
    </message>
    <message>
        <source>&amp;Connect to database…</source>
        <translation>Mit Datenbank &amp;verbinden…</translation>
    </message>
    <message>
        <source>Export this &amp;table as CSV…</source>
        <translation>Diese &amp;Tabelle als CSV exportieren…</translation>
    </message>
    <message>
        <source>Export a &amp;report…</source>
        <translation>Be&amp;richt exportieren…</translation>
    </message>
    <message>
        <source>Reviewer &amp;name…</source>
        <translation>Bearbeiter&amp;name…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Request</source>
        <translation>An&amp;trag</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Queue</source>
        <translation>&amp;Warteschlange</translation>
    </message>
    <message>
        <source>A&amp;ccounts</source>
        <translation>&amp;Konten</translation>
    </message>
    <message>
        <source>&amp;Ledger</source>
        <translation>&amp;Buchungen</translation>
    </message>
    <message>
        <source>&amp;Purchases</source>
        <translation>Kä&amp;ufe</translation>
    </message>
    <message>
        <source>&amp;Jobs</source>
        <translation>&amp;Jobs</translation>
    </message>
    <message>
        <source>Pa&amp;youts</source>
        <translation>Aus&amp;zahlungen</translation>
    </message>
    <message>
        <source>&amp;Dashboard</source>
        <translation>&amp;Dashboard</translation>
    </message>
    <message>
        <source>P&amp;olicy</source>
        <translation>&amp;Richtlinie</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Refund Desk</source>
        <translation>Ü&amp;ber Refund Desk</translation>
    </message>
    <message>
        <source>About Refund Desk</source>
        <translation>Über Refund Desk</translation>
    </message>
    <message>
        <source>&lt;b&gt;Refund Desk&lt;/b&gt; %1&lt;br&gt;Refund review for prepaid-credit platforms.</source>
        <translation>&lt;b&gt;Refund Desk&lt;/b&gt; %1&lt;br&gt;Prüfung von Erstattungen für Plattformen mit Prepaid-Credits.</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Search accounts by email, name or id  ( / )</source>
        <translation>Konten nach E-Mail, Name oder ID suchen  ( / )</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Jeder Status</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Konten</translation>
    </message>
    <message>
        <source>Any entry type</source>
        <translation>Jede Buchungsart</translation>
    </message>
    <message>
        <source>Ledger</source>
        <translation>Buchungen</translation>
    </message>
    <message>
        <source>Any purchase</source>
        <translation>Jeder Kauf</translation>
    </message>
    <message>
        <source>Purchases</source>
        <translation>Käufe</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>Any payout</source>
        <translation>Jede Auszahlung</translation>
    </message>
    <message>
        <source>Payouts</source>
        <translation>Auszahlungen</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>Richtlinie</translation>
    </message>
    <message>
        <source>Only a lead saves a policy profile or puts accounts on it (you are signed in as %1).</source>
        <translation>Nur eine Teamleitung speichert ein Richtlinienprofil oder ordnet ihm Konten zu (Sie sind angemeldet als %1).</translation>
    </message>
    <message>
        <source>On a team&apos;s database you act as the login you signed in with.</source>
        <translation>In der Datenbank eines Teams handeln Sie als die Anmeldung, mit der Sie sich angemeldet haben.</translation>
    </message>
    <message>
        <source>A viewer reads and exports; a reviewer, lead or admin may do this (ask an admin).</source>
        <translation>Ein Leser liest und exportiert; Bearbeiter, Teamleitung oder Administrator dürfen dies (fragen Sie einen Administrator).</translation>
    </message>
    <message>
        <source>Signed in as %1 (%2)</source>
        <translation>Angemeldet als %1 (%2)</translation>
    </message>
    <message>
        <source>No reviewer name set</source>
        <translation>Kein Bearbeitername festgelegt</translation>
    </message>
    <message>
        <source>Reviewer: %1 · one person&apos;s file, no roles</source>
        <translation>Bearbeiter: %1 · Datei einer Person, keine Rollen</translation>
    </message>
    <message>
        <source>Reviewer: %1</source>
        <translation>Bearbeiter: %1</translation>
    </message>
    <message>
        <source>A SQLite file is one person&apos;s: decisions are recorded under this name (at first the operating-system user, %1; File → Reviewer name changes it). Sign-in, roles and second approvals apply on a team&apos;s PostgreSQL database.</source>
        <translation>Eine SQLite-Datei gehört einer Person: Entscheidungen werden unter diesem Namen gespeichert (zunächst der Benutzer des Betriebssystems, %1; Datei → Bearbeitername ändert ihn). Anmeldung, Rollen und Zweitfreigaben gelten in der PostgreSQL-Datenbank eines Teams.</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Account %1</source>
        <translation>Konto %1</translation>
    </message>
    <message>
        <source>For a request waiting for a second approval</source>
        <translation>Für einen Antrag, der auf eine Zweitfreigabe wartet</translation>
    </message>
    <message>
        <source>You gave the first approval: another lead gives the second.</source>
        <translation>Sie haben die erste Freigabe erteilt: Eine andere Teamleitung erteilt die zweite.</translation>
    </message>
    <message>
        <source>Only a lead gives a second approval.</source>
        <translation>Nur eine Teamleitung erteilt eine Zweitfreigabe.</translation>
    </message>
    <message>
        <source>Carry out %1&apos;s decision: it is paid or credited at once.</source>
        <translation>Die Entscheidung von %1 ausführen: Sie wird sofort ausgezahlt oder gutgeschrieben.</translation>
    </message>
    <message>
        <source>Only a lead reverses a decision.</source>
        <translation>Nur eine Teamleitung nimmt eine Entscheidung zurück.</translation>
    </message>
    <message>
        <source>Correct a decision: the credits it moved move back and the request reopens as a new one.</source>
        <translation>Eine Entscheidung korrigieren: Die bewegten Credits gehen zurück, und der Antrag wird als neuer Antrag wieder geöffnet.</translation>
    </message>
    <message>
        <source>Only a lead, or whoever gave the first approval, sends it back.</source>
        <translation>Nur eine Teamleitung oder wer die erste Freigabe erteilt hat, schickt ihn zurück.</translation>
    </message>
    <message>
        <source>Send the request back to the queue with a note.</source>
        <translation>Den Antrag mit einer Notiz in die Warteschlange zurückschicken.</translation>
    </message>
    <message>
        <source>This database file is read-only here.</source>
        <translation>Diese Datenbankdatei ist hier schreibgeschützt.</translation>
    </message>
    <message>
        <source>Reviewer name</source>
        <translation>Bearbeitername</translation>
    </message>
    <message>
        <source>Your name, recorded with every decision you take:</source>
        <translation>Ihr Name, mit jeder Ihrer Entscheidungen gespeichert:</translation>
    </message>
    <message>
        <source>Ctrl+Enter</source>
        <translation>Strg+Eingabe</translation>
    </message>
    <message>
        <source>Confirm the open dialog</source>
        <translation>Den offenen Dialog bestätigen</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Export this table as CSV</source>
        <translation>Diese Tabelle als CSV exportieren</translation>
    </message>
    <message>
        <source>Save the %1 report</source>
        <translation>Den Bericht %1 speichern</translation>
    </message>
    <message>
        <source>Only a lead may decide against the policy: escalate the request instead (E).</source>
        <translation>Nur eine Teamleitung darf gegen die Richtlinie entscheiden: Eskalieren Sie den Antrag stattdessen (E).</translation>
    </message>
    <message>
        <source>Already decided</source>
        <translation>Bereits entschieden</translation>
    </message>
    <message>
        <source>Request %1 was decided by %2 at %3 while you were looking at it. Nothing was changed; the queue now shows the current state.</source>
        <translation>Antrag %1 wurde von %2 um %3 entschieden, während Sie ihn angesehen haben. Nichts wurde geändert; die Warteschlange zeigt jetzt den aktuellen Stand.</translation>
    </message>
    <message numerus="yes">
        <source>Request %1 approved: %2 to refund, %n credit(s) taken back.</source>
        <translation>
            <numerusform>Antrag %1 genehmigt: %2 zu erstatten, %n Credit abgezogen.</numerusform>
            <numerusform>Antrag %1 genehmigt: %2 zu erstatten, %n Credits abgezogen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Request %1 approved: %2 to refund.</source>
        <translation>Antrag %1 genehmigt: %2 zu erstatten.</translation>
    </message>
    <message>
        <source>Request %1 approved: %2 credits restored.</source>
        <translation>Antrag %1 genehmigt: %2 Credits gutgeschrieben.</translation>
    </message>
    <message>
        <source>Request %1 approved.</source>
        <translation>Antrag %1 genehmigt.</translation>
    </message>
    <message>
        <source>Request %1 denied.</source>
        <translation>Antrag %1 abgelehnt.</translation>
    </message>
    <message>
        <source>Request %1 is waiting for a second approval by another lead.</source>
        <translation>Antrag %1 wartet auf die Zweitfreigabe durch eine andere Teamleitung.</translation>
    </message>
    <message>
        <source>Request %1 escalated.</source>
        <translation>Antrag %1 eskaliert.</translation>
    </message>
    <message>
        <source>refund %1 to the customer&apos;s card</source>
        <translation>%1 auf die Karte des Kunden zu erstatten</translation>
    </message>
    <message>
        <source>approve it</source>
        <translation>ihn zu genehmigen</translation>
    </message>
    <message>
        <source>deny it</source>
        <translation>ihn abzulehnen</translation>
    </message>
    <message>
        <source>Second approval</source>
        <translation>Zweitfreigabe</translation>
    </message>
    <message>
        <source>Give the second approval to request %1?</source>
        <translation>Die Zweitfreigabe für Antrag %1 erteilen?</translation>
    </message>
    <message>
        <source>%1 decided to %2. With your approval it is carried out at once; a decision is corrected afterwards only by a reversal.</source>
        <translation>%1 hat entschieden, %2. Mit Ihrer Freigabe wird das sofort ausgeführt; eine Entscheidung lässt sich danach nur durch eine Rücknahme korrigieren.</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>&amp;Freigeben</translation>
    </message>
    <message>
        <source>Not approved</source>
        <translation>Nicht freigegeben</translation>
    </message>
    <message>
        <source>Request %1 was not approved: %2</source>
        <translation>Antrag %1 wurde nicht freigegeben: %2</translation>
    </message>
    <message>
        <source>Request %1 denied with a second approval.</source>
        <translation>Antrag %1 mit Zweitfreigabe abgelehnt.</translation>
    </message>
    <message>
        <source>Request %1 approved with a second approval: %2 to refund.</source>
        <translation>Antrag %1 mit Zweitfreigabe genehmigt: %2 zu erstatten.</translation>
    </message>
    <message>
        <source>Request %1 approved with a second approval.</source>
        <translation>Antrag %1 mit Zweitfreigabe genehmigt.</translation>
    </message>
    <message>
        <source>Request %1 reversed: the case continues in request %2.</source>
        <translation>Antrag %1 zurückgenommen: Der Fall geht in Antrag %2 weiter.</translation>
    </message>
    <message>
        <source>Reverse the decision of request %1</source>
        <translation>Die Entscheidung zu Antrag %1 zurücknehmen</translation>
    </message>
    <message>
        <source>Why it is reversed. The credits the decision moved move back, and the request reopens as a new one for a fresh decision; money already paid out is not reversed. This cannot be undone.</source>
        <translation>Warum sie zurückgenommen wird. Die Credits, die die Entscheidung bewegt hat, gehen zurück, und der Antrag wird als neuer Antrag für eine neue Entscheidung geöffnet; bereits ausgezahltes Geld wird nicht zurückgeholt. Dies kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>&amp;Reverse</source>
        <translation>&amp;Zurücknehmen</translation>
    </message>
    <message>
        <source>Request %1 sent back to the queue.</source>
        <translation>Antrag %1 in die Warteschlange zurückgeschickt.</translation>
    </message>
    <message>
        <source>Send request %1 back</source>
        <translation>Antrag %1 zurückschicken</translation>
    </message>
    <message>
        <source>Why it goes back (the first approver and the queue see this):</source>
        <translation>Warum er zurückgeht (die erste Freigabe und die Warteschlange sehen das):</translation>
    </message>
    <message>
        <source>Send &amp;back</source>
        <translation>&amp;Zurückschicken</translation>
    </message>
    <message>
        <source>Note added to request %1.</source>
        <translation>Notiz zu Antrag %1 hinzugefügt.</translation>
    </message>
    <message>
        <source>Request %1 assigned to you.</source>
        <translation>Antrag %1 ist Ihnen zugewiesen.</translation>
    </message>
    <message>
        <source>Not assigned</source>
        <translation>Nicht zugewiesen</translation>
    </message>
    <message>
        <source>Request %1 was not assigned: %2</source>
        <translation>Antrag %1 wurde nicht zugewiesen: %2</translation>
    </message>
    <message>
        <source>Add no&amp;te…</source>
        <translation>No&amp;tiz hinzufügen…</translation>
    </message>
    <message>
        <source>Open acco&amp;unt</source>
        <translation>Konto ö&amp;ffnen</translation>
    </message>
</context>
<context>
    <name>NdjsonSource</name>
    <message>
        <source>the line is longer than 1 MiB</source>
        <translation>die Zeile ist länger als 1 MiB</translation>
    </message>
</context>
<context>
    <name>NewRequestDialog</name>
    <message>
        <source>New refund request</source>
        <translation>Neuer Erstattungsantrag</translation>
    </message>
    <message>
        <source>A request that came by email or phone: it joins the queue as if the helpdesk had sent it, and is triaged at once.</source>
        <translation>Ein Antrag, der per E-Mail oder Telefon kam: Er kommt in die Warteschlange, als hätte der Helpdesk ihn geschickt, und wird sofort vorgeprüft.</translation>
    </message>
    <message>
        <source>the customer&apos;s account email</source>
        <translation>die E-Mail-Adresse des Kundenkontos</translation>
    </message>
    <message>
        <source>Customer &amp;email:</source>
        <translation>&amp;E-Mail des Kunden:</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Art:</translation>
    </message>
    <message>
        <source>&amp;Purchase:</source>
        <translation>&amp;Kauf:</translation>
    </message>
    <message>
        <source>&amp;Job:</source>
        <translation>&amp;Job:</translation>
    </message>
    <message>
        <source>what the customer says they were charged wrongly</source>
        <translation>was dem Kunden nach eigener Aussage falsch berechnet wurde</translation>
    </message>
    <message>
        <source>Amount &amp;claimed:</source>
        <translation>&amp;Geforderter Betrag:</translation>
    </message>
    <message>
        <source>the customer&apos;s words: what happened, when, any error</source>
        <translation>die Worte des Kunden: was geschah, wann, welcher Fehler</translation>
    </message>
    <message>
        <source>&amp;Message:</source>
        <translation>&amp;Nachricht:</translation>
    </message>
    <message>
        <source>the helpdesk ticket, e.g. T-4711 (optional)</source>
        <translation>das Helpdesk-Ticket, z. B. T-4711 (optional)</translation>
    </message>
    <message>
        <source>T&amp;icket id:</source>
        <translation>T&amp;icket-ID:</translation>
    </message>
    <message>
        <source>Ctrl+Enter saves, Esc cancels.</source>
        <translation>Strg+Eingabe speichert, Esc bricht ab.</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keiner)</translation>
    </message>
    <message>
        <source>Type the email; the account is looked up as you leave the field.</source>
        <translation>Geben Sie die E-Mail-Adresse ein; das Konto wird beim Verlassen des Felds gesucht.</translation>
    </message>
    <message>
        <source>No account has the email &quot;%1&quot;.</source>
        <translation>Kein Konto hat die E-Mail-Adresse „%1“.</translation>
    </message>
    <message>
        <source>%1 · account %2 · %3 · %4 credits · %5</source>
        <translation>%1 · Konto %2 · %3 · %4 Credits · %5</translation>
    </message>
    <message>
        <source>#%1 · %2 · %3 · %4 credits</source>
        <translation>#%1 · %2 · %3 · %4 Credits</translation>
    </message>
    <message>
        <source>#%1 · %2 · %3 · %4 credits · %5</source>
        <translation>#%1 · %2 · %3 · %4 Credits · %5</translation>
    </message>
    <message>
        <source>failed (%1)</source>
        <translation>fehlgeschlagen (%1)</translation>
    </message>
    <message>
        <source>The account could not be read: %1</source>
        <translation>Das Konto konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>the purchase (order or invoice)</source>
        <translation>den Kauf (Bestellung oder Rechnung)</translation>
    </message>
    <message>
        <source>the job (the failed generation)</source>
        <translation>den Job (die fehlgeschlagene Generierung)</translation>
    </message>
    <message>
        <source>the purchase or the job it is about</source>
        <translation>den Kauf oder den Job, um den es geht</translation>
    </message>
    <message>
        <source>the customer&apos;s reason and the details</source>
        <translation>den Grund des Kunden und die Einzelheiten</translation>
    </message>
    <message>
        <source>the amount the customer claims</source>
        <translation>den Betrag, den der Kunde fordert</translation>
    </message>
    <message>
        <source>Everything the %1 policy asks for is here.</source>
        <translation>Alles, was die Richtlinie %1 verlangt, ist vorhanden.</translation>
    </message>
    <message>
        <source>The %1 policy asks for: %2.</source>
        <translation>Die Richtlinie %1 verlangt: %2.</translation>
    </message>
    <message>
        <source>The policy&apos;s recommendation shows once the request names what it needs.</source>
        <translation>Die Empfehlung der Richtlinie erscheint, sobald der Antrag nennt, was sie braucht.</translation>
    </message>
    <message>
        <source> · refund %1</source>
        <translation> · %1 erstatten</translation>
    </message>
    <message>
        <source> · restore %1 credits</source>
        <translation> · %1 Credits gutschreiben</translation>
    </message>
    <message>
        <source>The policy would recommend: &lt;span style=&apos;background-color:%1; color:white&apos;&gt;&amp;nbsp;%2&amp;nbsp;&lt;/span&gt;%3 (%4)&lt;br&gt;%5</source>
        <translation>Die Richtlinie würde empfehlen: &lt;span style=&apos;background-color:%1; color:white&apos;&gt;&amp;nbsp;%2&amp;nbsp;&lt;/span&gt;%3 (%4)&lt;br&gt;%5</translation>
    </message>
    <message>
        <source>The request lacks what the policy asks for (see above).</source>
        <translation>Dem Antrag fehlt, was die Richtlinie verlangt (siehe oben).</translation>
    </message>
    <message>
        <source>Choose the customer&apos;s account first.</source>
        <translation>Wählen Sie zuerst das Konto des Kunden.</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
</context>
<context>
    <name>NoteDialog</name>
    <message>
        <source>Internal &amp;note (only reviewers see it):</source>
        <translation>Interne &amp;Notiz (nur Bearbeiter sehen sie):</translation>
    </message>
    <message>
        <source>Note on request %1</source>
        <translation>Notiz zu Antrag %1</translation>
    </message>
    <message>
        <source>Write the note first.</source>
        <translation>Schreiben Sie zuerst die Notiz.</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
</context>
<context>
    <name>PayoutBook</name>
    <message>
        <source>the database has no uuid (desk_settings.database_uuid): run refundctl init</source>
        <translation>die Datenbank hat keine UUID (desk_settings.database_uuid): Führen Sie refundctl init aus</translation>
    </message>
    <message>
        <source>payout %1 is no longer %2</source>
        <translation>Auszahlung %1 ist nicht mehr %2</translation>
    </message>
    <message>
        <source>payout %1: purchase %2 was paid with &quot;%3&quot;, which is neither a Stripe PaymentIntent (pi_) nor a Charge (ch_); it stays pending for a person (refundctl payouts mark)</source>
        <translation>Auszahlung %1: Kauf %2 wurde mit „%3“ bezahlt, das weder ein Stripe-PaymentIntent (pi_) noch eine Charge (ch_) ist; sie bleibt für eine Person ausstehend (refundctl payouts mark)</translation>
    </message>
    <message>
        <source>sent to the payment processor (%1)</source>
        <translation>an den Zahlungsdienstleister gesendet (%1)</translation>
    </message>
    <message>
        <source>payout %1 is refund %2 at the processor, not %3</source>
        <translation>Auszahlung %1 ist beim Zahlungsdienstleister die Erstattung %2, nicht %3</translation>
    </message>
    <message>
        <source>the processor&apos;s refund %1 is for %2, the payout for %3</source>
        <translation>die Erstattung %1 des Zahlungsdienstleisters lautet auf %2, die Auszahlung auf %3</translation>
    </message>
    <message>
        <source>the processor holds refund %1 as %2</source>
        <translation>der Zahlungsdienstleister führt die Erstattung %1 als %2</translation>
    </message>
    <message>
        <source>the processor reports refund %1 %2</source>
        <translation>der Zahlungsdienstleister meldet die Erstattung %1 als %2</translation>
    </message>
    <message>
        <source>no payout with id %1</source>
        <translation>keine Auszahlung mit der ID %1</translation>
    </message>
    <message>
        <source>refused by the payment processor</source>
        <translation>vom Zahlungsdienstleister abgelehnt</translation>
    </message>
    <message>
        <source>the processor reports an idempotency error: a person must look</source>
        <translation>der Zahlungsdienstleister meldet einen Idempotenzfehler: Eine Person muss nachsehen</translation>
    </message>
    <message>
        <source>no usable answer from the payment processor</source>
        <translation>keine verwertbare Antwort vom Zahlungsdienstleister</translation>
    </message>
    <message>
        <source>say in a note how the payout was handled</source>
        <translation>schreiben Sie in einer Notiz, wie die Auszahlung erledigt wurde</translation>
    </message>
    <message>
        <source>a paid payout needs the reference of the transfer (--ref)</source>
        <translation>eine bezahlte Auszahlung braucht die Referenz der Überweisung (--ref)</translation>
    </message>
    <message>
        <source>payout %1 is already %2; nothing was changed</source>
        <translation>Auszahlung %1 ist bereits %2; nichts wurde geändert</translation>
    </message>
    <message>
        <source>payout %1 already has the reference %2, not %3</source>
        <translation>Auszahlung %1 hat bereits die Referenz %2, nicht %3</translation>
    </message>
    <message>
        <source>payout %1 of %2 marked %3 by hand%4: %5</source>
        <translation>Auszahlung %1 über %2 von Hand als %3 markiert%4: %5</translation>
    </message>
    <message>
        <source>say in a note why the payout is sent again</source>
        <translation>schreiben Sie in einer Notiz, warum die Auszahlung erneut gesendet wird</translation>
    </message>
    <message>
        <source>payout %1 is %2: only a failed payout can be retried</source>
        <translation>Auszahlung %1 ist %2: Nur eine fehlgeschlagene Auszahlung kann wiederholt werden</translation>
    </message>
    <message>
        <source>payout %1 was already retried as payout %2</source>
        <translation>Auszahlung %1 wurde bereits als Auszahlung %2 wiederholt</translation>
    </message>
</context>
<context>
    <name>PayoutCommands</name>
    <message>
        <source>The payment processor&apos;s secret key, in a file of mode 0600 (default: $REFUNDDESK_STRIPE_KEY_FILE). Without one, payouts stay pending for manual handling.</source>
        <translation>Der geheime Schlüssel des Zahlungsdienstleisters, in einer Datei mit Modus 0600 (Vorgabe: $REFUNDDESK_STRIPE_KEY_FILE). Ohne ihn bleiben Auszahlungen für die Bearbeitung von Hand ausstehend.</translation>
    </message>
    <message>
        <source>The processor&apos;s API base (default: $REFUNDDESK_STRIPE_API_BASE, else https://api.stripe.com).</source>
        <translation>Die API-Basis des Zahlungsdienstleisters (Vorgabe: $REFUNDDESK_STRIPE_API_BASE, sonst https://api.stripe.com).</translation>
    </message>
    <message>
        <source>--stripe-api-base needs an http(s) URL, not &apos;%1&apos;</source>
        <translation>--stripe-api-base erwartet eine http(s)-URL, nicht „%1“</translation>
    </message>
</context>
<context>
    <name>PayoutTableModel</name>
    <message>
        <source>Attention</source>
        <translation>Achtung</translation>
    </message>
    <message>
        <source>Payout</source>
        <translation>Auszahlung</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Betrag</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Alter</translation>
    </message>
    <message>
        <source>Purchase</source>
        <translation>Kauf</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>Antrag</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Processor ref</source>
        <translation>Referenz des Dienstleisters</translation>
    </message>
    <message>
        <source>Last change</source>
        <translation>Letzte Änderung</translation>
    </message>
    <message>
        <source>Retry of</source>
        <translation>Wiederholung von</translation>
    </message>
    <message>
        <source>Failure reason</source>
        <translation>Fehlergrund</translation>
    </message>
    <message>
        <source>Retried</source>
        <translation>Wiederholt</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Währung</translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n Min.</numerusform>
            <numerusform>%n Min.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h</source>
        <translation>
            <numerusform>%n Std.</numerusform>
            <numerusform>%n Std.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n d</source>
        <translation>
            <numerusform>%n Tag</numerusform>
            <numerusform>%n Tage</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PayoutWorker</name>
    <message>
        <source>payout %1: the processor&apos;s refunds could not be listed: %2</source>
        <translation>Auszahlung %1: Die Erstattungen des Zahlungsdienstleisters konnten nicht aufgelistet werden: %2</translation>
    </message>
    <message>
        <source>payout %1: the processor&apos;s answer could not be recorded: %2</source>
        <translation>Auszahlung %1: Die Antwort des Zahlungsdienstleisters konnte nicht gespeichert werden: %2</translation>
    </message>
</context>
<context>
    <name>PayoutsView</name>
    <message>
        <source>&amp;Retry failed payout…</source>
        <translation>Fehlgeschlagene Auszahlung &amp;wiederholen…</translation>
    </message>
    <message>
        <source>Send the money of a failed payout again, as a new payout, with a note saying why (once per failed payout)</source>
        <translation>Das Geld einer fehlgeschlagenen Auszahlung erneut senden, als neue Auszahlung, mit einer Notiz zur Begründung (einmal je fehlgeschlagener Auszahlung)</translation>
    </message>
    <message>
        <source>Failed and unknown payouts come first. A failed payout returned nothing to the customer: retry it once its cause is dealt with. An unknown one is resolved by refundctl payouts reconcile.</source>
        <translation>Fehlgeschlagene und unbekannte Auszahlungen stehen oben. Eine fehlgeschlagene Auszahlung hat dem Kunden nichts zurückgezahlt: Wiederholen Sie sie, sobald die Ursache behoben ist. Eine unbekannte klärt refundctl payouts reconcile.</translation>
    </message>
    <message>
        <source>Payout %1 failed and was retried already.</source>
        <translation>Auszahlung %1 ist fehlgeschlagen und wurde bereits wiederholt.</translation>
    </message>
    <message>
        <source>Payout %1 failed: %2</source>
        <translation>Auszahlung %1 ist fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Payout %1: only a failed payout can be retried.</source>
        <translation>Auszahlung %1: Nur eine fehlgeschlagene Auszahlung kann wiederholt werden.</translation>
    </message>
    <message>
        <source>Set your reviewer name first (File menu): the retry is recorded under it.</source>
        <translation>Legen Sie zuerst Ihren Bearbeiternamen fest (Menü Datei): Die Wiederholung wird darunter gespeichert.</translation>
    </message>
    <message>
        <source>Retry payout %1</source>
        <translation>Auszahlung %1 wiederholen</translation>
    </message>
    <message>
        <source>%1 goes to the customer&apos;s card again as a new payout, sent with the next payouts run. Say why it will go through this time (kept in the history):</source>
        <translation>%1 geht als neue Auszahlung erneut auf die Karte des Kunden, gesendet mit dem nächsten Auszahlungslauf. Begründen Sie, warum es diesmal durchgeht (bleibt im Verlauf):</translation>
    </message>
    <message>
        <source>&amp;Retry payout</source>
        <translation>Auszahlung &amp;wiederholen</translation>
    </message>
    <message>
        <source>Payout %1 retried as payout %2 (%3), pending.</source>
        <translation>Auszahlung %1 als Auszahlung %2 (%3) wiederholt, ausstehend.</translation>
    </message>
</context>
<context>
    <name>PlatformEvents</name>
    <message>
        <source>an event is at most 1 MiB, this one is %1 bytes</source>
        <translation>ein Ereignis ist höchstens 1 MiB groß, dieses hat %1 Bytes</translation>
    </message>
    <message>
        <source>not JSON (at offset %1: %2)</source>
        <translation>kein JSON (bei Offset %1: %2)</translation>
    </message>
    <message>
        <source>an event is one JSON object</source>
        <translation>ein Ereignis ist ein JSON-Objekt</translation>
    </message>
    <message>
        <source>nested deeper than %1 levels</source>
        <translation>tiefer als %1 Ebenen verschachtelt</translation>
    </message>
    <message>
        <source>must be a string of 1 to 200 characters</source>
        <translation>muss eine Zeichenkette mit 1 bis 200 Zeichen sein</translation>
    </message>
    <message>
        <source>is required</source>
        <translation>ist erforderlich</translation>
    </message>
    <message>
        <source>unknown event type &quot;%1&quot; (known: %2)</source>
        <translation>unbekannte Ereignisart „%1“ (bekannt: %2)</translation>
    </message>
    <message>
        <source>must be an RFC 3339 time such as 2026-03-05T10:00:00Z</source>
        <translation>muss eine RFC-3339-Zeit sein wie 2026-03-05T10:00:00Z</translation>
    </message>
    <message>
        <source>must be a JSON object</source>
        <translation>muss ein JSON-Objekt sein</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an email address</source>
        <translation>„%1“ ist keine E-Mail-Adresse</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an ISO 4217 code</source>
        <translation>„%1“ ist kein ISO-4217-Code</translation>
    </message>
    <message>
        <source>%1 is above amount_cents %2</source>
        <translation>%1 liegt über amount_cents %2</translation>
    </message>
    <message>
        <source>a succeeded job has no failure</source>
        <translation>ein erfolgreicher Job hat keinen Fehler</translation>
    </message>
    <message>
        <source>is before from</source>
        <translation>liegt vor from</translation>
    </message>
    <message>
        <source>is required (or email)</source>
        <translation>ist erforderlich (oder email)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a request type</source>
        <translation>„%1“ ist keine Antragsart</translation>
    </message>
</context>
<context>
    <name>PolicyBounds</name>
    <message>
        <source>must be a whole number from %1 to %2, not %3</source>
        <translation>muss eine ganze Zahl von %1 bis %2 sein, nicht %3</translation>
    </message>
</context>
<context>
    <name>PolicyCase</name>
    <message>
        <source>%1 is above amount_cents %2</source>
        <translation>%1 liegt über amount_cents %2</translation>
    </message>
    <message>
        <source>%1 is above credits %2</source>
        <translation>%1 liegt über credits %2</translation>
    </message>
</context>
<context>
    <name>PolicyCaseJson</name>
    <message>
        <source>a case is at most 16 MiB, this one is %1 bytes</source>
        <translation>ein Fall ist höchstens 16 MiB groß, dieser hat %1 Bytes</translation>
    </message>
    <message>
        <source>does not parse at offset %1: %2</source>
        <translation>lässt sich bei Offset %1 nicht lesen: %2</translation>
    </message>
    <message>
        <source>a case is one JSON object</source>
        <translation>ein Fall ist ein JSON-Objekt</translation>
    </message>
    <message>
        <source>must be credits or subscription, not &apos;%1&apos;</source>
        <translation>muss credits oder subscription sein, nicht „%1“</translation>
    </message>
    <message>
        <source>must be an ISO 4217 code such as USD, not &apos;%1&apos;</source>
        <translation>muss ein ISO-4217-Code wie USD sein, nicht „%1“</translation>
    </message>
    <message>
        <source>%1 is above amount_cents %2</source>
        <translation>%1 liegt über amount_cents %2</translation>
    </message>
    <message>
        <source>%1 is above credits %2</source>
        <translation>%1 liegt über credits %2</translation>
    </message>
    <message>
        <source>must be a request type, not &apos;%1&apos;</source>
        <translation>muss eine Antragsart sein, nicht „%1“</translation>
    </message>
    <message>
        <source>&apos;%1&apos; appears twice</source>
        <translation>„%1“ kommt doppelt vor</translation>
    </message>
    <message>
        <source>is before from</source>
        <translation>liegt vor from</translation>
    </message>
    <message>
        <source>no purchase &apos;%1&apos; in the case</source>
        <translation>kein Kauf „%1“ im Fall</translation>
    </message>
    <message>
        <source>no job &apos;%1&apos; in the case</source>
        <translation>kein Job „%1“ im Fall</translation>
    </message>
    <message>
        <source>is required for a %1 request</source>
        <translation>ist für einen Antrag vom Typ %1 erforderlich</translation>
    </message>
</context>
<context>
    <name>PolicyCommands</name>
    <message>
        <source>Usage: refundctl policy evaluate CASE.json [--profile NAME | --profile-file FILE]
       refundctl policy list
       refundctl policy show NAME
       refundctl policy import FILE         (a company profile&apos;s next version)
       refundctl policy export NAME [--version N]
       refundctl policy versions NAME
       refundctl policy diff NAME V1 V2
       refundctl policy preview FILE [--days 90] [--of NAME] [--json]
       refundctl policy assign NAME --account ID | --from PROFILE
       refundctl policy accounts NAME [--limit N]
</source>
        <translation>Aufruf: refundctl policy evaluate CASE.json [--profile NAME | --profile-file FILE]
       refundctl policy list
       refundctl policy show NAME
       refundctl policy import FILE         (die nächste Version eines Firmenprofils)
       refundctl policy export NAME [--version N]
       refundctl policy versions NAME
       refundctl policy diff NAME V1 V2
       refundctl policy preview FILE [--days 90] [--of NAME] [--json]
       refundctl policy assign NAME --account ID | --from PROFILE
       refundctl policy accounts NAME [--limit N]
</translation>
    </message>
    <message>
        <source>say evaluate, list, show, import, export, versions, diff, preview, assign or accounts</source>
        <translation>geben Sie evaluate, list, show, import, export, versions, diff, preview, assign oder accounts an</translation>
    </message>
    <message>
        <source>unknown action &apos;%1&apos;; say evaluate, list, show, import, export, versions, diff, preview, assign or accounts</source>
        <translation>unbekannte Aktion „%1“; geben Sie evaluate, list, show, import, export, versions, diff, preview, assign oder accounts an</translation>
    </message>
</context>
<context>
    <name>PolicyEditor</name>
    <message>
        <source>Approved</source>
        <translation>Genehmigt</translation>
    </message>
    <message>
        <source>A person reviews</source>
        <translation>Eine Person prüft</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <source>Money back to the payment method</source>
        <translation>Geld zurück auf das Zahlungsmittel</translation>
    </message>
    <message>
        <source>Credits restored</source>
        <translation>Credits gutgeschrieben</translation>
    </message>
    <message>
        <source>Nothing</source>
        <translation>Nichts</translation>
    </message>
    <message>
        <source>A person reviews; credits restored</source>
        <translation>Eine Person prüft; Credits gutgeschrieben</translation>
    </message>
    <message>
        <source>A person reviews; the unused share refunded</source>
        <translation>Eine Person prüft; der ungenutzte Anteil wird erstattet</translation>
    </message>
    <message>
        <source>Suspend the account</source>
        <translation>Das Konto sperren</translation>
    </message>
    <message>
        <source>Take back the purchase&apos;s credits</source>
        <translation>Die Credits des Kaufs zurückholen</translation>
    </message>
    <message>
        <source>&amp;Open profile:</source>
        <translation>Profil ö&amp;ffnen:</translation>
    </message>
    <message>
        <source>Op&amp;en</source>
        <translation>Ö&amp;ffnen</translation>
    </message>
    <message>
        <source>Load the chosen profile&apos;s newest version into the form</source>
        <translation>Die neueste Version des gewählten Profils in das Formular laden</translation>
    </message>
    <message>
        <source>Put on this profile: account &amp;id</source>
        <translation>Diesem Profil zuordnen: Konto-&amp;ID</translation>
    </message>
    <message>
        <source>Put &amp;account</source>
        <translation>Konto &amp;zuordnen</translation>
    </message>
    <message>
        <source>or every account on</source>
        <translation>oder jedes Konto mit</translation>
    </message>
    <message>
        <source>Move them a&amp;ll…</source>
        <translation>A&amp;lle verschieben…</translation>
    </message>
    <message>
        <source>Clause id</source>
        <translation>Klausel-ID</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Quoted policy text</source>
        <translation>Zitierter Richtlinientext</translation>
    </message>
    <message>
        <source>For the reviewer</source>
        <translation>Für den Bearbeiter</translation>
    </message>
    <message>
        <source>&amp;Clauses</source>
        <translation>&amp;Klauseln</translation>
    </message>
    <message>
        <source> days</source>
        <translation> Tage</translation>
    </message>
    <message>
        <source>Requests of the last</source>
        <translation>Anträge der letzten</translation>
    </message>
    <message>
        <source>&amp;Preview</source>
        <translation>&amp;Vorschau</translation>
    </message>
    <message>
        <source>Evaluate the draft next to today&apos;s version on the requests of the accounts on this profile</source>
        <translation>Den Entwurf neben der heutigen Version auf den Anträgen der Konten mit diesem Profil auswerten</translation>
    </message>
    <message>
        <source>Pre&amp;view</source>
        <translation>Vor&amp;schau</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>Gespeichert</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Double-click a version to open it in the form; then compare it with another</source>
        <translation>Doppelklicken Sie auf eine Version, um sie im Formular zu öffnen; dann vergleichen Sie sie mit einer anderen</translation>
    </message>
    <message>
        <source>Co&amp;mpare the selected version with the draft</source>
        <translation>Die gewählte Version mit dem Entwurf ver&amp;gleichen</translation>
    </message>
    <message>
        <source>Versi&amp;ons</source>
        <translation>Versi&amp;onen</translation>
    </message>
    <message>
        <source>&amp;Save as a new version</source>
        <translation>Als neue Version &amp;speichern</translation>
    </message>
    <message>
        <source>Save the form as the profile&apos;s next version (Ctrl+S); versions already saved never change</source>
        <translation>Das Formular als nächste Version des Profils speichern (Strg+S); bereits gespeicherte Versionen ändern sich nie</translation>
    </message>
    <message>
        <source>YYYY-MM-DD, YYYY-MM-DD, …</source>
        <translation>JJJJ-MM-TT, JJJJ-MM-TT, …</translation>
    </message>
    <message>
        <source>not stated</source>
        <translation>nicht angegeben</translation>
    </message>
    <message>
        <source>Profile &amp;id</source>
        <translation>Profil-&amp;ID</translation>
    </message>
    <message>
        <source>Compan&amp;y</source>
        <translation>&amp;Firma</translation>
    </message>
    <message>
        <source>Policy text from</source>
        <translation>Richtlinientext vom</translation>
    </message>
    <message>
        <source>&amp;Time zone</source>
        <translation>&amp;Zeitzone</translation>
    </message>
    <message>
        <source>Holidays</source>
        <translation>Feiertage</translation>
    </message>
    <message>
        <source>&amp;Answer within</source>
        <translation>&amp;Antwort innerhalb von</translation>
    </message>
    <message>
        <source>Money back within</source>
        <translation>Geld zurück innerhalb von</translation>
    </message>
    <message>
        <source>Purchase requests accepted for</source>
        <translation>Anträge zu Käufen angenommen für</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>keine Grenze</translation>
    </message>
    <message>
        <source>&amp;Unused credits refunded within</source>
        <translation>&amp;Ungenutzte Credits erstattet innerhalb von</translation>
    </message>
    <message>
        <source>never: purchases are final</source>
        <translation>nie: Käufe sind endgültig</translation>
    </message>
    <message>
        <source>Terminated account</source>
        <translation>Gekündigtes Konto</translation>
    </message>
    <message>
        <source>Duplicate charge</source>
        <translation>Doppelte Abbuchung</translation>
    </message>
    <message>
        <source>Duplicate charge: remedy</source>
        <translation>Doppelte Abbuchung: Leistung</translation>
    </message>
    <message>
        <source>Billing error: remedy</source>
        <translation>Abrechnungsfehler: Leistung</translation>
    </message>
    <message>
        <source>Credits never delivered</source>
        <translation>Nie gelieferte Credits</translation>
    </message>
    <message>
        <source>Outages</source>
        <translation>Ausfälle</translation>
    </message>
    <message>
        <source>An outage counts from</source>
        <translation>Ein Ausfall zählt ab</translation>
    </message>
    <message>
        <source>On a chargeback</source>
        <translation>Bei einem Chargeback</translation>
    </message>
    <message>
        <source>Only without support contact</source>
        <translation>Nur ohne Kontakt zum Support</translation>
    </message>
    <message>
        <source> hours</source>
        <translation> Stunden</translation>
    </message>
    <message>
        <source> business days</source>
        <translation> Werktage</translation>
    </message>
    <message>
        <source>Lower-case letters, digits, &apos;-&apos; and &apos;_&apos;; not a built-in profile&apos;s id</source>
        <translation>Kleinbuchstaben, Ziffern, „-“ und „_“; nicht die ID eines eingebauten Profils</translation>
    </message>
    <message>
        <source>An IANA time zone such as Europe/Berlin: business days and answer dates are counted there</source>
        <translation>Eine IANA-Zeitzone wie Europe/Berlin: Werktage und Antwortfristen werden dort gezählt</translation>
    </message>
    <message>
        <source>Days that are no business days, as YYYY-MM-DD, comma-separated</source>
        <translation>Tage, die keine Werktage sind, als JJJJ-MM-TT, durch Kommas getrennt</translation>
    </message>
    <message>
        <source>Suspend the account on a chargeback only when the customer did not contact support first</source>
        <translation>Das Konto bei einem Chargeback nur sperren, wenn der Kunde sich nicht zuerst an den Support gewandt hat</translation>
    </message>
    <message>
        <source>%1: built in. Save it under an id of the company&apos;s own.</source>
        <translation>%1: eingebaut. Speichern Sie es unter einer eigenen ID der Firma.</translation>
    </message>
    <message>
        <source>%1, version %2.</source>
        <translation>%1, Version %2.</translation>
    </message>
    <message numerus="yes">
        <source>%n account(s) on it (refundctl policy assign puts more on it).</source>
        <translation>
            <numerusform>%n Konto nutzt es (refundctl policy assign ordnet weitere zu).</numerusform>
            <numerusform>%n Konten nutzen es (refundctl policy assign ordnet weitere zu).</numerusform>
        </translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>Nothing changed since version %1: nothing done.</source>
        <translation>Nichts geändert seit Version %1: nichts getan.</translation>
    </message>
    <message>
        <source>Saved as %1 version %2. Recommendations follow it from now on; decisions already made keep theirs.</source>
        <translation>Als %1 Version %2 gespeichert. Empfehlungen folgen ab jetzt dieser Version; bereits getroffene Entscheidungen behalten ihre.</translation>
    </message>
    <message>
        <source>%1, version %2</source>
        <translation>%1, Version %2</translation>
    </message>
    <message>
        <source>The draft cannot be previewed: %1</source>
        <translation>Für den Entwurf gibt es keine Vorschau: %1</translation>
    </message>
    <message>
        <source>Sto&amp;p</source>
        <translation>Sto&amp;pp</translation>
    </message>
    <message>
        <source>Evaluating…</source>
        <translation>Wird ausgewertet…</translation>
    </message>
    <message>
        <source>The preview failed: %1</source>
        <translation>Die Vorschau ist fehlgeschlagen: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n request(s) of the last %1 days on %2 (version %3 today), evaluated in %4 ms; %5 would change.</source>
        <translation>
            <numerusform>%n Antrag der letzten %1 Tage mit %2 (heute Version %3), ausgewertet in %4 ms; %5 würden sich ändern.</numerusform>
            <numerusform>%n Anträge der letzten %1 Tage mit %2 (heute Version %3), ausgewertet in %4 ms; %5 würden sich ändern.</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopped before the end.</source>
        <translation>Vor dem Ende angehalten.</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>Entwurf</translation>
    </message>
    <message>
        <source>All types</source>
        <translation>Alle Arten</translation>
    </message>
    <message>
        <source>Requests whose outcome changes</source>
        <translation>Anträge, deren Ergebnis sich ändert</translation>
    </message>
    <message>
        <source>built in</source>
        <translation>eingebaut</translation>
    </message>
    <message>
        <source>the program</source>
        <translation>das Programm</translation>
    </message>
    <message>
        <source>Save the profile first: accounts go on a saved profile (%1).</source>
        <translation>Speichern Sie zuerst das Profil: Konten werden einem gespeicherten Profil zugeordnet (%1).</translation>
    </message>
    <message>
        <source>Give the account&apos;s id.</source>
        <translation>Geben Sie die ID des Kontos an.</translation>
    </message>
    <message>
        <source>Move accounts</source>
        <translation>Konten verschieben</translation>
    </message>
    <message numerus="yes">
        <source>Put all %n account(s) on %1 on %2? Their later requests follow %2; decisions already made keep theirs.</source>
        <translation>
            <numerusform>Das %n Konto mit %1 auf %2 setzen? Seine späteren Anträge folgen %2; bereits getroffene Entscheidungen behalten ihre.</numerusform>
            <numerusform>Alle %n Konten mit %1 auf %2 setzen? Ihre späteren Anträge folgen %2; bereits getroffene Entscheidungen behalten ihre.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n account(s) now on %1.</source>
        <translation>
            <numerusform>%n Konto nutzt jetzt %1.</numerusform>
            <numerusform>%n Konten nutzen jetzt %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not moved: %1</source>
        <translation>Nicht verschoben: %1</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>Version %1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>The draft is the same as version %1.</source>
        <translation>Der Entwurf gleicht Version %1.</translation>
    </message>
</context>
<context>
    <name>PolicyLibrary</name>
    <message>
        <source>built-in profile &apos;%1&apos; has only version 1</source>
        <translation>das eingebaute Profil „%1“ hat nur Version 1</translation>
    </message>
    <message>
        <source>profile &apos;%1&apos; has no version %2</source>
        <translation>Profil „%1“ hat keine Version %2</translation>
    </message>
    <message>
        <source>no profile &apos;%1&apos;, built in or stored</source>
        <translation>kein Profil „%1“, weder eingebaut noch gespeichert</translation>
    </message>
    <message>
        <source>id: &apos;%1&apos; is a built-in profile; a company&apos;s own profile takes an id of its own</source>
        <translation>id: „%1“ ist ein eingebautes Profil; das eigene Profil einer Firma bekommt eine eigene ID</translation>
    </message>
</context>
<context>
    <name>PolicyPreview</name>
    <message>
        <source>request %1: %2</source>
        <translation>Antrag %1: %2</translation>
    </message>
    <message>
        <source>request %1: a figure is out of range</source>
        <translation>Antrag %1: eine Zahl liegt außerhalb des zulässigen Bereichs</translation>
    </message>
</context>
<context>
    <name>PolicyProfile</name>
    <message>
        <source>JSON: %1 at offset %2</source>
        <translation>JSON: %1 bei Offset %2</translation>
    </message>
    <message>
        <source>a profile is a JSON object</source>
        <translation>ein Profil ist ein JSON-Objekt</translation>
    </message>
    <message>
        <source>use lower-case letters, digits, &apos;-&apos; and &apos;_&apos; only</source>
        <translation>nur Kleinbuchstaben, Ziffern, „-“ und „_“ verwenden</translation>
    </message>
    <message>
        <source>is required: a whole number from 1</source>
        <translation>ist erforderlich: eine ganze Zahl ab 1</translation>
    </message>
    <message>
        <source>must be a list of dates (YYYY-MM-DD)</source>
        <translation>muss eine Liste von Daten sein (JJJJ-MM-TT)</translation>
    </message>
    <message>
        <source>must be a date as YYYY-MM-DD</source>
        <translation>muss ein Datum als JJJJ-MM-TT sein</translation>
    </message>
    <message>
        <source>unknown time zone &apos;%1&apos;</source>
        <translation>unbekannte Zeitzone „%1“</translation>
    </message>
    <message>
        <source>must be a list</source>
        <translation>muss eine Liste sein</translation>
    </message>
    <message>
        <source>must be suspend_account or clawback_credits</source>
        <translation>muss suspend_account oder clawback_credits sein</translation>
    </message>
    <message>
        <source>must be deny, review_credit_restore or review_unused_share</source>
        <translation>muss deny, review_credit_restore oder review_unused_share sein</translation>
    </message>
    <message>
        <source>must be an object of clauses by role</source>
        <translation>muss ein Objekt mit Klauseln nach Rolle sein</translation>
    </message>
    <message>
        <source>is missing (every role needs a clause)</source>
        <translation>fehlt (jede Rolle braucht eine Klausel)</translation>
    </message>
    <message>
        <source>must be a non-empty string</source>
        <translation>muss eine nicht leere Zeichenkette sein</translation>
    </message>
    <message>
        <source>is not a clause role the engine knows</source>
        <translation>ist keine Klauselrolle, die die Engine kennt</translation>
    </message>
</context>
<context>
    <name>PolicyProfileText</name>
    <message>
        <source>Violation forfeits credits</source>
        <translation>Verstoß lässt Credits verfallen</translation>
    </message>
    <message>
        <source>The account was closed for a policy violation; its balance is forfeited.</source>
        <translation>Das Konto wurde wegen eines Richtlinienverstoßes geschlossen; sein Guthaben verfällt.</translation>
    </message>
    <message>
        <source>Suspended account</source>
        <translation>Gesperrtes Konto</translation>
    </message>
    <message>
        <source>The account is suspended: a person reviews the request.</source>
        <translation>Das Konto ist gesperrt: Eine Person prüft den Antrag.</translation>
    </message>
    <message>
        <source>Consumer-protection law</source>
        <translation>Verbraucherschutzrecht</translation>
    </message>
    <message>
        <source>The customer claims a statutory right: a person reviews it under applicable law.</source>
        <translation>Der Kunde beruft sich auf ein gesetzliches Recht: Eine Person prüft es nach geltendem Recht.</translation>
    </message>
    <message>
        <source>Chargebacks</source>
        <translation>Chargebacks</translation>
    </message>
    <message>
        <source>A chargeback filed without contacting support first suspends the account while it is reviewed.</source>
        <translation>Ein Chargeback ohne vorherigen Kontakt zum Support sperrt das Konto, solange er geprüft wird.</translation>
    </message>
    <message>
        <source>Open payment dispute</source>
        <translation>Offener Zahlungsstreit</translation>
    </message>
    <message>
        <source>The purchase is under a bank dispute: refunding it now would pay twice.</source>
        <translation>Der Kauf wird bei der Bank angefochten: Jetzt zu erstatten hieße doppelt zu zahlen.</translation>
    </message>
    <message>
        <source>Credited back once</source>
        <translation>Einmal gutgeschrieben</translation>
    </message>
    <message>
        <source>This generation was already compensated once; no one is compensated twice.</source>
        <translation>Diese Generierung wurde bereits einmal entschädigt; niemand wird doppelt entschädigt.</translation>
    </message>
    <message>
        <source>Output delivered</source>
        <translation>Ergebnis geliefert</translation>
    </message>
    <message>
        <source>The job delivered an output; the result&apos;s quality is no ground for a refund.</source>
        <translation>Der Job hat ein Ergebnis geliefert; dessen Qualität ist kein Grund für eine Erstattung.</translation>
    </message>
    <message>
        <source>Failed generation credited back</source>
        <translation>Fehlgeschlagene Generierung gutgeschrieben</translation>
    </message>
    <message>
        <source>The job failed on the platform&apos;s side: its credits are restored.</source>
        <translation>Der Job ist auf Seiten der Plattform fehlgeschlagen: Seine Credits werden gutgeschrieben.</translation>
    </message>
    <message>
        <source>Failure not on our side</source>
        <translation>Fehler nicht auf unserer Seite</translation>
    </message>
    <message>
        <source>Only failures verified as a technical error on the platform&apos;s side are credited back.</source>
        <translation>Nur Fehler, die als technischer Fehler der Plattform bestätigt sind, werden gutgeschrieben.</translation>
    </message>
    <message>
        <source>Failure to verify</source>
        <translation>Fehler zu prüfen</translation>
    </message>
    <message>
        <source>The cause of the failure is not known: a person verifies it before crediting back.</source>
        <translation>Die Ursache des Fehlers ist unbekannt: Eine Person prüft sie vor der Gutschrift.</translation>
    </message>
    <message>
        <source>Dissatisfaction with output</source>
        <translation>Unzufriedenheit mit dem Ergebnis</translation>
    </message>
    <message>
        <source>Dissatisfaction with the result is not a ground for a refund.</source>
        <translation>Unzufriedenheit mit dem Ergebnis ist kein Grund für eine Erstattung.</translation>
    </message>
    <message>
        <source>Purchases are final</source>
        <translation>Käufe sind endgültig</translation>
    </message>
    <message>
        <source>Subscription fees are final once the billing cycle has started.</source>
        <translation>Abonnementgebühren sind endgültig, sobald der Abrechnungszeitraum begonnen hat.</translation>
    </message>
    <message>
        <source>Credit purchases are final, used or not.</source>
        <translation>Credit-Käufe sind endgültig, ob verbraucht oder nicht.</translation>
    </message>
    <message>
        <source>Billing errors reviewed</source>
        <translation>Abrechnungsfehler werden geprüft</translation>
    </message>
    <message>
        <source>A duplicate charge is reviewed by a person; the extra charges go back to the original payment method.</source>
        <translation>Eine doppelte Abbuchung prüft eine Person; die zusätzlichen Abbuchungen gehen auf das ursprüngliche Zahlungsmittel zurück.</translation>
    </message>
    <message>
        <source>Only one charge is on record: a person checks the claimed duplicate.</source>
        <translation>Es ist nur eine Abbuchung erfasst: Eine Person prüft die behauptete Doppelabbuchung.</translation>
    </message>
    <message>
        <source>A charge of the wrong amount is reviewed by a person.</source>
        <translation>Eine Abbuchung in falscher Höhe prüft eine Person.</translation>
    </message>
    <message>
        <source>Credits paid for but never delivered are reviewed by a person and restored.</source>
        <translation>Bezahlte, aber nie gelieferte Credits prüft eine Person und schreibt sie gut.</translation>
    </message>
    <message>
        <source>The credits of this purchase were delivered: a person checks the claim.</source>
        <translation>Die Credits dieses Kaufs wurden geliefert: Eine Person prüft den Antrag.</translation>
    </message>
    <message>
        <source>Outages are not a ground for a refund under this policy.</source>
        <translation>Ausfälle sind nach dieser Richtlinie kein Grund für eine Erstattung.</translation>
    </message>
    <message>
        <source>Refund already approved</source>
        <translation>Erstattung bereits genehmigt</translation>
    </message>
    <message>
        <source>This purchase already received this remedy, or everything it paid or delivered has gone back: no one is compensated twice.</source>
        <translation>Dieser Kauf hat diese Leistung bereits erhalten, oder alles, was er bezahlt oder geliefert hat, ist zurückgegangen: Niemand wird doppelt entschädigt.</translation>
    </message>
    <message>
        <source>Account termination</source>
        <translation>Kündigung des Kontos</translation>
    </message>
    <message>
        <source>Statutory rights</source>
        <translation>Gesetzliche Rechte</translation>
    </message>
    <message>
        <source>Bank dispute</source>
        <translation>Streitfall bei der Bank</translation>
    </message>
    <message>
        <source>The bank reports a dispute; the policy names no account action: a person reviews it.</source>
        <translation>Die Bank meldet einen Streitfall; die Richtlinie nennt keine Kontomaßnahme: Eine Person prüft ihn.</translation>
    </message>
    <message>
        <source>Failed processing jobs</source>
        <translation>Fehlgeschlagene Verarbeitungsjobs</translation>
    </message>
    <message>
        <source>Dissatisfaction with results</source>
        <translation>Unzufriedenheit mit Ergebnissen</translation>
    </message>
    <message>
        <source>Invalid input</source>
        <translation>Ungültige Eingabe</translation>
    </message>
    <message>
        <source>The job failed because of the user&apos;s input or prompt: credits are not restored.</source>
        <translation>Der Job ist wegen der Eingabe oder des Prompts des Nutzers fehlgeschlagen: Credits werden nicht gutgeschrieben.</translation>
    </message>
    <message>
        <source>30-day limit</source>
        <translation>30-Tage-Grenze</translation>
    </message>
    <message>
        <source>The request came more than 30 days after the purchase.</source>
        <translation>Der Antrag kam mehr als 30 Tage nach dem Kauf.</translation>
    </message>
    <message>
        <source>Duplicate charges</source>
        <translation>Doppelte Abbuchungen</translation>
    </message>
    <message>
        <source>The duplicate charges are refunded in full to the original payment method.</source>
        <translation>Die doppelten Abbuchungen werden vollständig auf das ursprüngliche Zahlungsmittel erstattet.</translation>
    </message>
    <message>
        <source>Reason for the request</source>
        <translation>Grund des Antrags</translation>
    </message>
    <message>
        <source>Technical failures</source>
        <translation>Technische Fehler</translation>
    </message>
    <message>
        <source>The purchased credits never arrived: they are credited now.</source>
        <translation>Die gekauften Credits sind nie angekommen: Sie werden jetzt gutgeschrieben.</translation>
    </message>
    <message>
        <source>Service unavailability</source>
        <translation>Nichtverfügbarkeit des Dienstes</translation>
    </message>
    <message>
        <source>Downtime of more than 48 consecutive hours overlapped this purchase: the unused share may be refunded.</source>
        <translation>Ein Ausfall von mehr als 48 Stunden am Stück fiel in die Zeit dieses Kaufs: Der ungenutzte Anteil kann erstattet werden.</translation>
    </message>
    <message>
        <source>No downtime of more than 48 consecutive hours overlapped this purchase.</source>
        <translation>Kein Ausfall von mehr als 48 Stunden am Stück fiel in die Zeit dieses Kaufs.</translation>
    </message>
    <message>
        <source>One remedy per purchase</source>
        <translation>Eine Leistung pro Kauf</translation>
    </message>
    <message>
        <source>Account-specific issues</source>
        <translation>Kontobezogene Probleme</translation>
    </message>
    <message>
        <source>The account was closed for a policy violation and the policy is silent on it: a person decides.</source>
        <translation>Das Konto wurde wegen eines Richtlinienverstoßes geschlossen, und die Richtlinie sagt dazu nichts: Eine Person entscheidet.</translation>
    </message>
    <message>
        <source>Suspension during disputes</source>
        <translation>Sperrung während Streitfällen</translation>
    </message>
    <message>
        <source>Applicable law</source>
        <translation>Geltendes Recht</translation>
    </message>
    <message>
        <source>Chargebacks and payment disputes</source>
        <translation>Chargebacks und Zahlungsstreitigkeiten</translation>
    </message>
    <message>
        <source>A chargeback suspends the account and the disputed credits are clawed back while it is investigated.</source>
        <translation>Ein Chargeback sperrt das Konto, und die angefochtenen Credits werden zurückgeholt, solange er untersucht wird.</translation>
    </message>
    <message>
        <source>Automatic credit return</source>
        <translation>Automatische Rückgabe der Credits</translation>
    </message>
    <message>
        <source>No refunds after processing</source>
        <translation>Keine Erstattung nach der Verarbeitung</translation>
    </message>
    <message>
        <source>The request failed on the platform&apos;s side: its credits are returned as a credit adjustment.</source>
        <translation>Die Anfrage ist auf Seiten der Plattform fehlgeschlagen: Ihre Credits werden als Credit-Korrektur zurückgegeben.</translation>
    </message>
    <message>
        <source>Only failures eligible under the usage accounting rules are credited back; this one was caused by the request itself.</source>
        <translation>Nur Fehler, die nach den Abrechnungsregeln der Nutzung berechtigt sind, werden gutgeschrieben; dieser wurde von der Anfrage selbst verursacht.</translation>
    </message>
    <message>
        <source>Technical incidents</source>
        <translation>Technische Störungen</translation>
    </message>
    <message>
        <source>No refunds after recharge</source>
        <translation>Keine Erstattung nach dem Aufladen</translation>
    </message>
    <message>
        <source>Recharges are final, including unused credits and accidental or duplicate purchases by the account holder.</source>
        <translation>Aufladungen sind endgültig, auch ungenutzte Credits und versehentliche oder doppelte Käufe des Kontoinhabers.</translation>
    </message>
    <message>
        <source>Duplicate charges reviewed</source>
        <translation>Doppelte Abbuchungen werden geprüft</translation>
    </message>
    <message>
        <source>Duplicate charges are reviewed at the company&apos;s discretion and corrected as a credit adjustment.</source>
        <translation>Doppelte Abbuchungen werden nach Ermessen des Unternehmens geprüft und als Credit-Korrektur berichtigt.</translation>
    </message>
    <message>
        <source>Payment processor errors reviewed</source>
        <translation>Fehler des Zahlungsdienstleisters werden geprüft</translation>
    </message>
    <message>
        <source>Billing errors are reviewed at the company&apos;s discretion and corrected as a credit adjustment.</source>
        <translation>Abrechnungsfehler werden nach Ermessen des Unternehmens geprüft und als Credit-Korrektur berichtigt.</translation>
    </message>
    <message>
        <source>Credits paid for but never delivered are reviewed and restored as a credit adjustment.</source>
        <translation>Bezahlte, aber nie gelieferte Credits werden geprüft und als Credit-Korrektur gutgeschrieben.</translation>
    </message>
    <message>
        <source>Technical incidents are reviewed at the company&apos;s discretion; a correction is a credit adjustment.</source>
        <translation>Technische Störungen werden nach Ermessen des Unternehmens geprüft; eine Berichtigung ist eine Credit-Korrektur.</translation>
    </message>
    <message>
        <source>Corrections already made</source>
        <translation>Bereits vorgenommene Korrekturen</translation>
    </message>
    <message>
        <source>Not covered by the policy</source>
        <translation>Nicht von der Richtlinie gedeckt</translation>
    </message>
    <message>
        <source>Chargebacks and disputes</source>
        <translation>Chargebacks und Streitfälle</translation>
    </message>
    <message>
        <source>A chargeback suspends the account while it is investigated.</source>
        <translation>Ein Chargeback sperrt das Konto, solange er untersucht wird.</translation>
    </message>
    <message>
        <source>Failed or interrupted jobs</source>
        <translation>Fehlgeschlagene oder abgebrochene Jobs</translation>
    </message>
    <message>
        <source>Completed services</source>
        <translation>Erbrachte Leistungen</translation>
    </message>
    <message>
        <source>User error</source>
        <translation>Fehler des Nutzers</translation>
    </message>
    <message>
        <source>Subscription charges</source>
        <translation>Abonnementgebühren</translation>
    </message>
    <message>
        <source>Subscription fees are final once the billing cycle has started; there is no proration.</source>
        <translation>Abonnementgebühren sind endgültig, sobald der Abrechnungszeitraum begonnen hat; es gibt keine anteilige Erstattung.</translation>
    </message>
    <message>
        <source>Unused credits within 7 days</source>
        <translation>Ungenutzte Credits innerhalb von 7 Tagen</translation>
    </message>
    <message>
        <source>The request came more than 7 days after the purchase.</source>
        <translation>Der Antrag kam mehr als 7 Tage nach dem Kauf.</translation>
    </message>
    <message>
        <source>Unused credits refunded within 7 days, minus processor fees.</source>
        <translation>Ungenutzte Credits werden innerhalb von 7 Tagen erstattet, abzüglich der Gebühren des Zahlungsdienstleisters.</translation>
    </message>
    <message>
        <source>No refund after 7 days or use</source>
        <translation>Keine Erstattung nach 7 Tagen oder nach Nutzung</translation>
    </message>
    <message>
        <source>Credits were used, or the request came more than 7 days after the purchase: no refund.</source>
        <translation>Credits wurden verbraucht, oder der Antrag kam mehr als 7 Tage nach dem Kauf: keine Erstattung.</translation>
    </message>
    <message>
        <source>Refund requests reviewed</source>
        <translation>Erstattungsanträge werden geprüft</translation>
    </message>
    <message>
        <source>Refund already processed</source>
        <translation>Erstattung bereits durchgeführt</translation>
    </message>
    <message>
        <source>Abuse prevention</source>
        <translation>Missbrauchsvorbeugung</translation>
    </message>
    <message>
        <source>Exceptional cases</source>
        <translation>Ausnahmefälle</translation>
    </message>
    <message>
        <source>No duplicate compensation</source>
        <translation>Keine doppelte Entschädigung</translation>
    </message>
    <message>
        <source>No refunds for subjective results</source>
        <translation>Keine Erstattung für subjektive Ergebnisse</translation>
    </message>
    <message>
        <source>Credit-back guarantee</source>
        <translation>Gutschrift-Garantie</translation>
    </message>
    <message>
        <source>The guarantee covers platform errors only; a failure caused by the input is not credited back.</source>
        <translation>Die Garantie deckt nur Fehler der Plattform; ein durch die Eingabe verursachter Fehler wird nicht gutgeschrieben.</translation>
    </message>
    <message>
        <source>A duplicate charge is a billing error: a person reviews it and returns the extra charges.</source>
        <translation>Eine doppelte Abbuchung ist ein Abrechnungsfehler: Eine Person prüft sie und gibt die zusätzlichen Abbuchungen zurück.</translation>
    </message>
    <message>
        <source>Duplicate compensation</source>
        <translation>Doppelte Entschädigung</translation>
    </message>
</context>
<context>
    <name>ProcessorWebhook</name>
    <message>
        <source>the Stripe-Signature header needs t=... and at least one v1=...</source>
        <translation>der Header Stripe-Signature braucht t=... und mindestens ein v1=...</translation>
    </message>
    <message>
        <source>the signature&apos;s time %1 is more than %2 s from now (%3): a replay is refused</source>
        <translation>die Zeit der Signatur %1 liegt mehr als %2 s von jetzt entfernt (%3): eine Wiederholung wird abgewiesen</translation>
    </message>
    <message>
        <source>no v1 signature matches the body with the webhook secret</source>
        <translation>keine v1-Signatur passt mit dem Webhook-Geheimnis zum Inhalt</translation>
    </message>
    <message>
        <source>the body is not a Stripe event (id, type, data.object)</source>
        <translation>der Inhalt ist kein Stripe-Ereignis (id, type, data.object)</translation>
    </message>
    <message>
        <source>%1 %2 refused; nothing was written: %3</source>
        <translation>%1 %2 abgewiesen; nichts wurde geschrieben: %3</translation>
    </message>
    <message>
        <source>data.object is not a refund</source>
        <translation>data.object ist keine Erstattung</translation>
    </message>
    <message>
        <source>refund %1 is not one of our payouts</source>
        <translation>Erstattung %1 ist keine unserer Auszahlungen</translation>
    </message>
    <message>
        <source>events of type %1 are not used</source>
        <translation>Ereignisse vom Typ %1 werden nicht verwendet</translation>
    </message>
    <message>
        <source>the dispute has no id</source>
        <translation>die Streitigkeit hat keine ID</translation>
    </message>
    <message>
        <source>purchase %1 is already disputed by another case</source>
        <translation>Kauf %1 wird bereits in einem anderen Fall angefochten</translation>
    </message>
    <message>
        <source>card dispute %1 (%2)</source>
        <translation>Kartenstreitfall %1 (%2)</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>kein Grund angegeben</translation>
    </message>
    <message>
        <source>a closed dispute is won, lost or warning_closed, not &quot;%1&quot;</source>
        <translation>ein abgeschlossener Streitfall ist won, lost oder warning_closed, nicht „%1“</translation>
    </message>
    <message>
        <source>no chargeback case for dispute %1</source>
        <translation>kein Chargeback-Fall zum Streitfall %1</translation>
    </message>
    <message>
        <source>the card network closed dispute %1: %2</source>
        <translation>das Kartennetz hat den Streitfall %1 abgeschlossen: %2</translation>
    </message>
</context>
<context>
    <name>ProfileCatalog</name>
    <message>
        <source>policy profile &apos;%1&apos; is neither built in nor stored in the database</source>
        <translation>das Richtlinienprofil „%1“ ist weder eingebaut noch in der Datenbank gespeichert</translation>
    </message>
    <message>
        <source>stored policy profile &apos;%1&apos; version %2: %3</source>
        <translation>gespeichertes Richtlinienprofil „%1“ Version %2: %3</translation>
    </message>
</context>
<context>
    <name>PurchaseTableModel</name>
    <message>
        <source>Purchase</source>
        <translation>Kauf</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Account ID</source>
        <translation>Konto-ID</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Package</source>
        <translation>Paket</translation>
    </message>
    <message>
        <source>Credits</source>
        <translation>Credits</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Betrag</translation>
    </message>
    <message>
        <source>Fee</source>
        <translation>Gebühr</translation>
    </message>
    <message>
        <source>Charges</source>
        <translation>Abbuchungen</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>Erstattet</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Geliefert</translation>
    </message>
    <message>
        <source>Disputed</source>
        <translation>Angefochten</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>Zahlung</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Währung</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <source>Assigned to &amp;me</source>
        <translation>&amp;Mir zugewiesen</translation>
    </message>
    <message>
        <source>&amp;Overdue</source>
        <translation>Ü&amp;berfällig</translation>
    </message>
    <message>
        <source>Show the whole queue</source>
        <translation>Die ganze Warteschlange zeigen</translation>
    </message>
    <message>
        <source>Drop the slice and keep the filters above</source>
        <translation>Den Ausschnitt verwerfen und die Filter oben behalten</translation>
    </message>
    <message>
        <source>Refund requests</source>
        <translation>Erstattungsanträge</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Waiting for my approval</source>
        <translation>Wartet auf meine Freigabe</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Alle Status</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>All types</source>
        <translation>Alle Arten</translation>
    </message>
    <message>
        <source>Request type</source>
        <translation>Antragsart</translation>
    </message>
    <message>
        <source>All profiles</source>
        <translation>Alle Profile</translation>
    </message>
    <message>
        <source>Policy profile</source>
        <translation>Richtlinienprofil</translation>
    </message>
    <message>
        <source>Search email, request, purchase or job id  ( / )</source>
        <translation>E-Mail, Antrags-, Kauf- oder Job-ID suchen  ( / )</translation>
    </message>
    <message>
        <source>Saved views</source>
        <translation>Gespeicherte Ansichten</translation>
    </message>
    <message>
        <source>Save view…</source>
        <translation>Ansicht speichern…</translation>
    </message>
    <message>
        <source>Save the current filters under a name</source>
        <translation>Die aktuellen Filter unter einem Namen speichern</translation>
    </message>
    <message>
        <source>Delete view</source>
        <translation>Ansicht löschen</translation>
    </message>
    <message>
        <source>Delete the selected saved view</source>
        <translation>Die gewählte gespeicherte Ansicht löschen</translation>
    </message>
    <message>
        <source>Requests assigned to %1</source>
        <translation>Anträge, die %1 zugewiesen sind</translation>
    </message>
    <message>
        <source>account #%1</source>
        <translation>Konto #%1</translation>
    </message>
    <message>
        <source>decided on %1 (UTC)</source>
        <translation>entschieden am %1 (UTC)</translation>
    </message>
    <message>
        <source>decided %1 to %2 (UTC)</source>
        <translation>entschieden vom %1 bis %2 (UTC)</translation>
    </message>
    <message>
        <source>by %1</source>
        <translation>von %1</translation>
    </message>
    <message>
        <source>overriding the recommendation</source>
        <translation>entgegen der Empfehlung</translation>
    </message>
    <message>
        <source>answered after the answer date</source>
        <translation>nach dem Antwortdatum beantwortet</translation>
    </message>
    <message>
        <source>answered by the answer date</source>
        <translation>bis zum Antwortdatum beantwortet</translation>
    </message>
    <message>
        <source>Only requests %1.</source>
        <translation>Nur Anträge %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n+ requests, counting…</source>
        <translation>
            <numerusform>%n+ Antrag, wird gezählt…</numerusform>
            <numerusform>%n+ Anträge, wird gezählt…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n request(s)</source>
        <translation>
            <numerusform>%n Antrag</numerusform>
            <numerusform>%n Anträge</numerusform>
        </translation>
    </message>
    <message>
        <source>Save view</source>
        <translation>Ansicht speichern</translation>
    </message>
    <message>
        <source>Name of this view:</source>
        <translation>Name dieser Ansicht:</translation>
    </message>
    <message>
        <source>A view named &quot;%1&quot; exists. Replace it?</source>
        <translation>Eine Ansicht namens „%1“ gibt es schon. Ersetzen?</translation>
    </message>
    <message>
        <source>Delete the saved view &quot;%1&quot;?</source>
        <translation>Die gespeicherte Ansicht „%1“ löschen?</translation>
    </message>
</context>
<context>
    <name>Reader</name>
    <message>
        <source>must be a non-empty string</source>
        <translation>muss eine nicht leere Zeichenkette sein</translation>
    </message>
    <message>
        <source>must be a whole number from %1 to %2, or null</source>
        <translation>muss eine ganze Zahl von %1 bis %2 oder null sein</translation>
    </message>
    <message>
        <source>must be true or false</source>
        <translation>muss true oder false sein</translation>
    </message>
    <message>
        <source>unexpected value &apos;%1&apos;</source>
        <translation>unerwarteter Wert „%1“</translation>
    </message>
</context>
<context>
    <name>RecommendationDelegate</name>
    <message>
        <source>Approve</source>
        <translation>Genehmigen</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>Not triaged</source>
        <translation>Nicht vorgeprüft</translation>
    </message>
</context>
<context>
    <name>RecordTableView</name>
    <message>
        <source>any</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>Account ID</source>
        <translation>Konto-ID</translation>
    </message>
    <message>
        <source>Any cause</source>
        <translation>Jede Ursache</translation>
    </message>
    <message>
        <source>All profiles</source>
        <translation>Alle Profile</translation>
    </message>
    <message>
        <source>From this day</source>
        <translation>Ab diesem Tag</translation>
    </message>
    <message>
        <source>To this day, inclusive</source>
        <translation>Bis einschließlich dieses Tags</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>From this UTC day (a slice of the dashboard)</source>
        <translation>Ab diesem UTC-Tag (ein Ausschnitt des Dashboards)</translation>
    </message>
    <message>
        <source>To this UTC day, inclusive (a slice of the dashboard)</source>
        <translation>Bis einschließlich dieses UTC-Tags (ein Ausschnitt des Dashboards)</translation>
    </message>
    <message>
        <source>%1 rows</source>
        <translation>%1 Zeilen</translation>
    </message>
    <message>
        <source>%1+ rows, counting…</source>
        <translation>%1+ Zeilen, wird gezählt…</translation>
    </message>
</context>
<context>
    <name>RefundWorkflow</name>
    <message>
        <source>request %1: </source>
        <translation>Antrag %1: </translation>
    </message>
    <message>
        <source>Automatic credit-back: the job failed on the platform&apos;s side.</source>
        <translation>Automatische Gutschrift: Der Job ist auf Seiten der Plattform fehlgeschlagen.</translation>
    </message>
    <message>
        <source>request %1 is waiting for a second approval: a lead approves it or sends it back</source>
        <translation>Antrag %1 wartet auf eine Zweitfreigabe: Eine Teamleitung gibt ihn frei oder schickt ihn zurück</translation>
    </message>
    <message>
        <source>request %1 is no longer open</source>
        <translation>Antrag %1 ist nicht mehr offen</translation>
    </message>
    <message>
        <source>the policy recommends %1 (%2); deciding otherwise is an override: confirm it and give a note</source>
        <translation>die Richtlinie empfiehlt %1 (%2); anders zu entscheiden ist eine Abweichung: Bestätigen Sie sie und geben Sie eine Notiz an</translation>
    </message>
    <message>
        <source>an override of the policy (%1) needs a note saying why</source>
        <translation>eine Abweichung von der Richtlinie (%1) braucht eine Notiz mit der Begründung</translation>
    </message>
    <message>
        <source>a denial needs a reason</source>
        <translation>eine Ablehnung braucht einen Grund</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>a chargeback is settled by the bank: no amount can be given</source>
        <translation>ein Chargeback wird von der Bank abgewickelt: Es kann kein Betrag angegeben werden</translation>
    </message>
    <message>
        <source>request %1 is a chargeback case without a chargeback record</source>
        <translation>Antrag %1 ist ein Chargeback-Fall ohne Chargeback-Datensatz</translation>
    </message>
    <message>
        <source>chargeback %1 changed meanwhile</source>
        <translation>Chargeback %1 hat sich inzwischen geändert</translation>
    </message>
    <message>
        <source>the policy names no remedy here: give the amount to refund</source>
        <translation>die Richtlinie nennt hier keine Leistung: Geben Sie den zu erstattenden Betrag an</translation>
    </message>
    <message>
        <source>request %1 names no purchase to refund</source>
        <translation>Antrag %1 nennt keinen zu erstattenden Kauf</translation>
    </message>
    <message>
        <source>the amount to refund must be positive, not %1 cents</source>
        <translation>der zu erstattende Betrag muss positiv sein, nicht %1 Cent</translation>
    </message>
    <message>
        <source>%1 is above the recommended %2: an approval may lower the amount, never raise it</source>
        <translation>%1 liegt über den empfohlenen %2: Eine Genehmigung darf den Betrag senken, nie erhöhen</translation>
    </message>
    <message>
        <source>the policy names no amount here: give the amount to refund</source>
        <translation>die Richtlinie nennt hier keinen Betrag: Geben Sie den zu erstattenden Betrag an</translation>
    </message>
    <message>
        <source>%1 is more than the %2 still refundable on purchase %3 (paid %4): %5</source>
        <translation>%1 ist mehr als die %2, die auf Kauf %3 (bezahlt %4) noch erstattbar sind: %5</translation>
    </message>
    <message>
        <source>credits returned with the money refund</source>
        <translation>mit der Gelderstattung zurückgegebene Credits</translation>
    </message>
    <message>
        <source>this remedy restores credits: no money amount can be given</source>
        <translation>diese Leistung schreibt Credits gut: Es kann kein Geldbetrag angegeben werden</translation>
    </message>
    <message>
        <source>the policy names no credits to restore here</source>
        <translation>die Richtlinie nennt hier keine gutzuschreibenden Credits</translation>
    </message>
    <message>
        <source>job %1 did not fail: only a failed job is credited back</source>
        <translation>Job %1 ist nicht fehlgeschlagen: Nur ein fehlgeschlagener Job wird gutgeschrieben</translation>
    </message>
    <message>
        <source>job %1 was already credited back: a generation is compensated once</source>
        <translation>Job %1 wurde bereits gutgeschrieben: Eine Generierung wird einmal entschädigt</translation>
    </message>
    <message>
        <source>credit-back of a failed job</source>
        <translation>Gutschrift für einen fehlgeschlagenen Job</translation>
    </message>
    <message>
        <source>%1 credits are more than the %2 still restorable on purchase %3: %4</source>
        <translation>%1 Credits sind mehr als die %2, die auf Kauf %3 noch gutgeschrieben werden können: %4</translation>
    </message>
    <message>
        <source>credits restored</source>
        <translation>Credits gutgeschrieben</translation>
    </message>
    <message>
        <source>no refund request with id %1</source>
        <translation>kein Erstattungsantrag mit der ID %1</translation>
    </message>
    <message>
        <source>request %1 is already decided</source>
        <translation>Antrag %1 ist bereits entschieden</translation>
    </message>
    <message>
        <source>the note is empty</source>
        <translation>die Notiz ist leer</translation>
    </message>
    <message>
        <source>automatic credit-back</source>
        <translation>automatische Gutschrift</translation>
    </message>
    <message>
        <source>no purchase with id %1</source>
        <translation>kein Kauf mit der ID %1</translation>
    </message>
    <message>
        <source>a job spends a positive number of credits, not %1</source>
        <translation>ein Job verbraucht eine positive Zahl von Credits, nicht %1</translation>
    </message>
    <message>
        <source>no account with id %1</source>
        <translation>kein Konto mit der ID %1</translation>
    </message>
    <message>
        <source>account %1 has %2 credits; the job needs %3</source>
        <translation>Konto %1 hat %2 Credits; der Job braucht %3</translation>
    </message>
    <message>
        <source>a job failure needs a cause: platform, user or unknown</source>
        <translation>ein Jobfehler braucht eine Ursache: platform, user oder unknown</translation>
    </message>
    <message>
        <source>no job with id %1</source>
        <translation>kein Job mit der ID %1</translation>
    </message>
    <message>
        <source>job %1 has already failed</source>
        <translation>Job %1 ist bereits fehlgeschlagen</translation>
    </message>
    <message>
        <source>purchase %1 is already disputed</source>
        <translation>Kauf %1 wird bereits angefochten</translation>
    </message>
    <message>
        <source>chargeback clawback</source>
        <translation>Rückforderung wegen Chargeback</translation>
    </message>
    <message>
        <source>request %1 is not waiting for a second approval</source>
        <translation>Antrag %1 wartet nicht auf eine Zweitfreigabe</translation>
    </message>
    <message>
        <source>request %1 has no first approval to approve</source>
        <translation>Antrag %1 hat keine erste Freigabe, die freigegeben werden könnte</translation>
    </message>
    <message>
        <source>%1 gave the first approval of request %2: the second must come from another lead</source>
        <translation>%1 hat die erste Freigabe von Antrag %2 erteilt: Die zweite muss von einer anderen Teamleitung kommen</translation>
    </message>
    <message>
        <source>the policy&apos;s recommendation for request %1 changed since the first approval (it now says %2): send it back to be decided again</source>
        <translation>die Empfehlung der Richtlinie zu Antrag %1 hat sich seit der ersten Freigabe geändert (sie lautet jetzt %2): Schicken Sie ihn zur neuen Entscheidung zurück</translation>
    </message>
    <message>
        <source>a reversal needs a reason</source>
        <translation>eine Rücknahme braucht einen Grund</translation>
    </message>
    <message>
        <source>a reversal needs the lead&apos;s name</source>
        <translation>eine Rücknahme braucht den Namen der Teamleitung</translation>
    </message>
    <message>
        <source>request %1 is not decided: there is nothing to reverse</source>
        <translation>Antrag %1 ist nicht entschieden: Es gibt nichts zurückzunehmen</translation>
    </message>
    <message>
        <source>the decision of request %1 was already reversed by %2; the case continues in request %3</source>
        <translation>die Entscheidung zu Antrag %1 wurde bereits von %2 zurückgenommen; der Fall geht in Antrag %3 weiter</translation>
    </message>
    <message>
        <source>request %1 is a chargeback case: the bank settles it, its decision is not reversed here</source>
        <translation>Antrag %1 ist ein Chargeback-Fall: Die Bank wickelt ihn ab, seine Entscheidung wird hier nicht zurückgenommen</translation>
    </message>
    <message>
        <source>%1 went back to the card (payout %2): money paid out cannot be reversed here</source>
        <translation>%1 ging zurück auf die Karte (Auszahlung %2): Ausgezahltes Geld kann hier nicht zurückgeholt werden</translation>
    </message>
    <message>
        <source>payout %1 of %2 is %3: a decision is reversed only once its money did not leave (the payout failed)</source>
        <translation>Auszahlung %1 über %2 ist %3: Eine Entscheidung wird nur zurückgenommen, wenn ihr Geld nicht abgeflossen ist (die Auszahlung fehlgeschlagen ist)</translation>
    </message>
    <message>
        <source>request %1 credited back failed job %2: a job&apos;s credit-back follows its failure and is not reversed</source>
        <translation>Antrag %1 hat den fehlgeschlagenen Job %2 gutgeschrieben: Die Gutschrift eines Jobs folgt aus seinem Fehler und wird nicht zurückgenommen</translation>
    </message>
    <message>
        <source>account %1 holds %2 credits but the decision restored %3: credits already spent cannot be taken back</source>
        <translation>Konto %1 hat %2 Credits, die Entscheidung hat aber %3 gutgeschrieben: Bereits verbrauchte Credits können nicht zurückgeholt werden</translation>
    </message>
    <message>
        <source>reversal of the decision of request %1: %2</source>
        <translation>Rücknahme der Entscheidung zu Antrag %1: %2</translation>
    </message>
    <message>
        <source>say which accounts: one account, or every account on a profile</source>
        <translation>geben Sie an, welche Konten: ein Konto oder jedes Konto mit einem Profil</translation>
    </message>
    <message>
        <source>policy profile %1 -&gt; %2</source>
        <translation>Richtlinienprofil %1 -&gt; %2</translation>
    </message>
    <message>
        <source>sending a request back needs a note saying why</source>
        <translation>einen Antrag zurückzuschicken braucht eine Notiz mit der Begründung</translation>
    </message>
    <message>
        <source>request %1 changed meanwhile</source>
        <translation>Antrag %1 hat sich inzwischen geändert</translation>
    </message>
    <message>
        <source>a decision needs the reviewer&apos;s name</source>
        <translation>eine Entscheidung braucht den Namen des Bearbeiters</translation>
    </message>
    <message>
        <source>request %1: a figure of this decision is out of range; nothing was written</source>
        <translation>Antrag %1: eine Zahl dieser Entscheidung liegt außerhalb des zulässigen Bereichs; nichts wurde geschrieben</translation>
    </message>
    <message>
        <source>the database refused a second compensation or decision (%1)</source>
        <translation>die Datenbank hat eine zweite Entschädigung oder Entscheidung abgewiesen (%1)</translation>
    </message>
</context>
<context>
    <name>ReplyDraft</name>
    <message>
        <source>Hello,</source>
        <translation>Guten Tag,</translation>
    </message>
    <message>
        <source>Hello %1,</source>
        <translation>Guten Tag %1,</translation>
    </message>
    <message>
        <source>thank you for contacting us about your request.</source>
        <translation>vielen Dank, dass Sie uns wegen Ihres Anliegens kontaktiert haben.</translation>
    </message>
    <message>
        <source>We have approved a refund of %1 to your original payment method.</source>
        <translation>Wir haben eine Erstattung von %1 auf Ihr ursprüngliches Zahlungsmittel genehmigt.</translation>
    </message>
    <message numerus="yes">
        <source>We have restored %n credit(s) to your account.</source>
        <translation>
            <numerusform>Wir haben Ihrem Konto %n Credit wieder gutgeschrieben.</numerusform>
            <numerusform>Wir haben Ihrem Konto %n Credits wieder gutgeschrieben.</numerusform>
        </translation>
    </message>
    <message>
        <source>We have approved your request.</source>
        <translation>Wir haben Ihren Antrag genehmigt.</translation>
    </message>
    <message>
        <source>After reviewing your account we are unable to offer a refund in this case.</source>
        <translation>Nach Prüfung Ihres Kontos können wir Ihnen in diesem Fall leider keine Erstattung anbieten.</translation>
    </message>
    <message>
        <source>Your request needs a closer look by our billing team; we will come back to you shortly.</source>
        <translation>Ihr Antrag muss von unserem Abrechnungsteam genauer geprüft werden; wir melden uns in Kürze bei Ihnen.</translation>
    </message>
    <message>
        <source>Our refund policy (%1) says:</source>
        <translation>Unsere Erstattungsrichtlinie (%1) besagt:</translation>
    </message>
    <message>
        <source>You will hear from us by %1.</source>
        <translation>Sie hören bis %1 von uns.</translation>
    </message>
    <message>
        <source>Kind regards,
The %1 billing team</source>
        <translation>Mit freundlichen Grüßen
Ihr Abrechnungsteam von %1</translation>
    </message>
</context>
<context>
    <name>ReportCatalog</name>
    <message>
        <source>every ledger entry: purchases, usage, credit-backs, refunds</source>
        <translation>jede Buchung: Käufe, Verbrauch, Gutschriften, Erstattungen</translation>
    </message>
    <message>
        <source>purchases with what was paid, refunded and disputed</source>
        <translation>Käufe mit dem, was bezahlt, erstattet und angefochten wurde</translation>
    </message>
    <message>
        <source>refund requests with the policy&apos;s recommendation</source>
        <translation>Erstattungsanträge mit der Empfehlung der Richtlinie</translation>
    </message>
    <message>
        <source>decided requests with the amounts, credits and remedies granted</source>
        <translation>entschiedene Anträge mit den gewährten Beträgen, Credits und Leistungen</translation>
    </message>
    <message>
        <source>failed generation jobs and whether they were credited back</source>
        <translation>fehlgeschlagene Generierungsjobs und ob sie gutgeschrieben wurden</translation>
    </message>
    <message>
        <source>chargebacks the banks reported and how they ended</source>
        <translation>von den Banken gemeldete Chargebacks und wie sie ausgingen</translation>
    </message>
    <message>
        <source>each request&apos;s answer date and when it was answered</source>
        <translation>das Antwortdatum jedes Antrags und wann er beantwortet wurde</translation>
    </message>
    <message>
        <source>per month and currency: revenue, refunds and their share</source>
        <translation>je Monat und Währung: Umsatz, Erstattungen und ihr Anteil</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>For E&amp;xcel (UTF-8 byte order mark)</source>
        <translation>Für E&amp;xcel (UTF-8-Bytereihenfolge-Markierung)</translation>
    </message>
    <message>
        <source>Export a report</source>
        <translation>Einen Bericht exportieren</translation>
    </message>
    <message>
        <source>All profiles</source>
        <translation>Alle Profile</translation>
    </message>
    <message>
        <source>&amp;Report:</source>
        <translation>&amp;Bericht:</translation>
    </message>
    <message>
        <source>&amp;From (UTC):</source>
        <translation>&amp;Von (UTC):</translation>
    </message>
    <message>
        <source>&amp;To (UTC, inclusive):</source>
        <translation>Bis (UTC, einschließlic&amp;h):</translation>
    </message>
    <message>
        <source>&amp;Profile:</source>
        <translation>&amp;Profil:</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Exportieren…</translation>
    </message>
</context>
<context>
    <name>RequestDetailView</name>
    <message>
        <source>Select a request in the queue.</source>
        <translation>Wählen Sie einen Antrag in der Warteschlange.</translation>
    </message>
    <message>
        <source>&amp;Copy reply</source>
        <translation>Antwort &amp;kopieren</translation>
    </message>
    <message>
        <source>Policy recommendation</source>
        <translation>Empfehlung der Richtlinie</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>Antrag</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>History and notes</source>
        <translation>Verlauf und Notizen</translation>
    </message>
    <message>
        <source>Reply draft</source>
        <translation>Antwortentwurf</translation>
    </message>
    <message>
        <source>Reply draft for the customer</source>
        <translation>Antwortentwurf für den Kunden</translation>
    </message>
    <message>
        <source>Cannot show request %1: %2</source>
        <translation>Antrag %1 kann nicht angezeigt werden: %2</translation>
    </message>
    <message>
        <source>Request %1 · %2 · %3</source>
        <translation>Antrag %1 · %2 · %3</translation>
    </message>
    <message>
        <source>The policy cannot evaluate this request: %1</source>
        <translation>Die Richtlinie kann diesen Antrag nicht auswerten: %1</translation>
    </message>
    <message>
        <source>Decision reversed</source>
        <translation>Entscheidung zurückgenommen</translation>
    </message>
    <message>
        <source>%1 reversed it on %2: %3</source>
        <translation>%1 hat sie am %2 zurückgenommen: %3</translation>
    </message>
    <message>
        <source>The credits it moved went back; the case continues in request %1.</source>
        <translation>Die bewegten Credits gingen zurück; der Fall geht in Antrag %1 weiter.</translation>
    </message>
    <message>
        <source>Reopens request %1, whose decision a lead reversed.</source>
        <translation>Öffnet Antrag %1 wieder, dessen Entscheidung eine Teamleitung zurückgenommen hat.</translation>
    </message>
    <message>
        <source>approve</source>
        <translation>genehmigen</translation>
    </message>
    <message>
        <source>deny</source>
        <translation>ablehnen</translation>
    </message>
    <message>
        <source>%1, refund %2</source>
        <translation>%1, %2 erstatten</translation>
    </message>
    <message>
        <source>%1 (against the policy)</source>
        <translation>%1 (gegen die Richtlinie)</translation>
    </message>
    <message>
        <source>Waiting for a second approval</source>
        <translation>Wartet auf eine Zweitfreigabe</translation>
    </message>
    <message>
        <source>%1 decided on %2: %3.</source>
        <translation>%1 hat am %2 entschieden: %3.</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Notiz: %1</translation>
    </message>
    <message>
        <source>A lead other than %1 gives the second approval (Shift+A) or sends it back (Shift+B).</source>
        <translation>Eine andere Teamleitung als %1 erteilt die Zweitfreigabe (Umschalt+A) oder schickt ihn zurück (Umschalt+B).</translation>
    </message>
    <message>
        <source>refund %1</source>
        <translation>%1 erstatten</translation>
    </message>
    <message numerus="yes">
        <source>restore %n credit(s)</source>
        <translation>
            <numerusform>%n Credit gutschreiben</numerusform>
            <numerusform>%n Credits gutschreiben</numerusform>
        </translation>
    </message>
    <message>
        <source>no refund</source>
        <translation>keine Erstattung</translation>
    </message>
    <message>
        <source>Profile %1, version %2. Answer by %3.</source>
        <translation>Profil %1, Version %2. Antwort bis %3.</translation>
    </message>
    <message>
        <source>Triaged under %1 version %2.</source>
        <translation>Vorgeprüft nach %1 Version %2.</translation>
    </message>
    <message>
        <source>Decided under %1 version %2.</source>
        <translation>Entschieden nach %1 Version %2.</translation>
    </message>
    <message>
        <source>%1 version %2 would now say &quot;%3&quot; (%4).</source>
        <translation>%1 Version %2 würde jetzt „%3“ sagen (%4).</translation>
    </message>
    <message>
        <source>At triage the policy recommended &quot;%1&quot;; the facts have changed since.</source>
        <translation>Bei der Vorprüfung empfahl die Richtlinie „%1“; die Fakten haben sich seitdem geändert.</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Eingegangen</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Assigned to</source>
        <translation>Zugewiesen an</translation>
    </message>
    <message>
        <source>nobody</source>
        <translation>niemanden</translation>
    </message>
    <message>
        <source>Amount claimed</source>
        <translation>Geforderter Betrag</translation>
    </message>
    <message numerus="yes">
        <source>charged %n times</source>
        <translation>
            <numerusform>%n-mal abgebucht</numerusform>
            <numerusform>%n-mal abgebucht</numerusform>
        </translation>
    </message>
    <message>
        <source>not delivered</source>
        <translation>nicht geliefert</translation>
    </message>
    <message>
        <source>disputed</source>
        <translation>angefochten</translation>
    </message>
    <message>
        <source>Purchase %1</source>
        <translation>Kauf %1</translation>
    </message>
    <message>
        <source>%1 · %2 credits · %3 on %4</source>
        <translation>%1 · %2 Credits · %3 am %4</translation>
    </message>
    <message>
        <source>Still refundable</source>
        <translation>Noch erstattbar</translation>
    </message>
    <message>
        <source>Already given</source>
        <translation>Bereits gewährt</translation>
    </message>
    <message>
        <source> (%1 failure)</source>
        <translation> (Fehler: %1)</translation>
    </message>
    <message>
        <source>Job %1</source>
        <translation>Job %1</translation>
    </message>
    <message>
        <source>%1 · %2 credits · %3 · %4</source>
        <translation>%1 · %2 Credits · %3 · %4</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>sent %1</source>
        <translation>gesendet %1</translation>
    </message>
    <message>
        <source>last change %1</source>
        <translation>letzte Änderung %1</translation>
    </message>
    <message>
        <source>Payout %1 (retry of %2)</source>
        <translation>Auszahlung %1 (Wiederholung von %2)</translation>
    </message>
    <message>
        <source>Payout %1</source>
        <translation>Auszahlung %1</translation>
    </message>
    <message>
        <source>Customer&apos;s message</source>
        <translation>Nachricht des Kunden</translation>
    </message>
    <message>
        <source>(no message)</source>
        <translation>(keine Nachricht)</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>Guthaben</translation>
    </message>
    <message numerus="yes">
        <source>%n credit(s)</source>
        <translation>
            <numerusform>%n Credit</numerusform>
            <numerusform>%n Credits</numerusform>
        </translation>
    </message>
    <message>
        <source>Lifetime</source>
        <translation>Gesamte Laufzeit</translation>
    </message>
    <message numerus="yes">
        <source>%n purchase(s), %1 paid, %2 refunded</source>
        <translation>
            <numerusform>%n Kauf, %1 bezahlt, %2 erstattet</numerusform>
            <numerusform>%n Käufe, %1 bezahlt, %2 erstattet</numerusform>
        </translation>
    </message>
    <message>
        <source>Credit-backs</source>
        <translation>Gutschriften</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s), %1 credits restored</source>
        <translation>
            <numerusform>%n Job, %1 Credits gutgeschrieben</numerusform>
            <numerusform>%n Jobs, %1 Credits gutgeschrieben</numerusform>
        </translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anträge</translation>
    </message>
    <message>
        <source>Chargebacks</source>
        <translation>Chargebacks</translation>
    </message>
    <message numerus="yes">
        <source>%n open</source>
        <translation>
            <numerusform>%n offen</numerusform>
            <numerusform>%n offen</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing happened to this request yet.</source>
        <translation>Mit diesem Antrag ist noch nichts geschehen.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Profile %1, version %2. No answer date is stated.</source>
        <translation>Profil %1, Version %2. Es ist kein Antwortdatum angegeben.</translation>
    </message>
</context>
<context>
    <name>RequestDossier</name>
    <message>
        <source>request %1 does not exist</source>
        <translation>Antrag %1 gibt es nicht</translation>
    </message>
</context>
<context>
    <name>RequestQueueModel</name>
    <message>
        <source>Request</source>
        <translation>Antrag</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Eingegangen</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Betrag</translation>
    </message>
    <message>
        <source>Credits</source>
        <translation>Credits</translation>
    </message>
    <message>
        <source>Recommendation</source>
        <translation>Empfehlung</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>Zugewiesen</translation>
    </message>
    <message>
        <source>Answer by</source>
        <translation>Antwort bis</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Währung</translation>
    </message>
    <message>
        <source>Account ID</source>
        <translation>Konto-ID</translation>
    </message>
    <message>
        <source>Purchase</source>
        <translation>Kauf</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
</context>
<context>
    <name>Schema</name>
    <message>
        <source>no schema version %1</source>
        <translation>keine Schemaversion %1</translation>
    </message>
    <message>
        <source>refund_requests has an unexpected definition; cannot add the awaiting_approval status</source>
        <translation>refund_requests hat eine unerwartete Definition; der Status awaiting_approval kann nicht ergänzt werden</translation>
    </message>
</context>
<context>
    <name>ServeCommands</name>
    <message>
        <source>Address and port to listen on (default 127.0.0.1:8787; port 0 picks a free one).</source>
        <translation>Adresse und Port, auf denen gelauscht wird (Vorgabe 127.0.0.1:8787; Port 0 wählt einen freien).</translation>
    </message>
    <message>
        <source>Serve HTTPS with this PEM certificate.</source>
        <translation>HTTPS mit diesem PEM-Zertifikat anbieten.</translation>
    </message>
    <message>
        <source>The PEM private key of --tls-cert.</source>
        <translation>Der private PEM-Schlüssel zu --tls-cert.</translation>
    </message>
    <message>
        <source>With a payment processor configured, send pending payouts this often (default 5 seconds; 0: never, leave it to refundctl payouts run).</source>
        <translation>Mit eingerichtetem Zahlungsdienstleister ausstehende Auszahlungen so oft senden (Vorgabe 5 Sekunden; 0: nie, refundctl payouts run überlassen).</translation>
    </message>
    <message>
        <source>Serves the platform&apos;s intake and outbox over HTTP (INTEGRATION.md): POST /v1/events, GET /v1/outbox, GET /healthz, with bearer tokens made by &apos;refundctl tokens add&apos;; POST /v1/webhooks/stripe, signed with the secret of REFUNDDESK_STRIPE_WEBHOOK_SECRET_FILE. With a processor key it also sends payouts and reconciles them. One log line per request on stderr. Stops on SIGTERM or Ctrl+C.</source>
        <translation>Stellt die Annahme und den Postausgang der Plattform über HTTP bereit (INTEGRATION.md): POST /v1/events, GET /v1/outbox, GET /healthz, mit Bearer-Tokens aus „refundctl tokens add“; POST /v1/webhooks/stripe, signiert mit dem Geheimnis aus REFUNDDESK_STRIPE_WEBHOOK_SECRET_FILE. Mit einem Schlüssel des Zahlungsdienstleisters sendet es auch Auszahlungen und gleicht sie ab. Eine Protokollzeile pro Anfrage auf stderr. Endet bei SIGTERM oder Strg+C.</translation>
    </message>
    <message>
        <source>--listen needs HOST:PORT with an IP address, such as 127.0.0.1:8787, not &apos;%1&apos;</source>
        <translation>--listen erwartet HOST:PORT mit einer IP-Adresse, etwa 127.0.0.1:8787, nicht „%1“</translation>
    </message>
    <message>
        <source>--tls-cert and --tls-key go together</source>
        <translation>--tls-cert und --tls-key gehören zusammen</translation>
    </message>
    <message>
        <source>--payouts-every takes a number of seconds</source>
        <translation>--payouts-every erwartet eine Anzahl Sekunden</translation>
    </message>
    <message>
        <source>refundctl serve: %1</source>
        <translation>refundctl serve: %1</translation>
    </message>
    <message>
        <source>payouts: %1 taken, %2 succeeded, %3 failed, %4 waiting, %5 unknown%6</source>
        <translation>Auszahlungen: %1 übernommen, %2 erfolgreich, %3 fehlgeschlagen, %4 wartend, %5 unbekannt%6</translation>
    </message>
    <message>
        <source>payouts: %1</source>
        <translation>Auszahlungen: %1</translation>
    </message>
    <message>
        <source>no payment processor configured: payouts stay pending for manual handling</source>
        <translation>kein Zahlungsdienstleister eingerichtet: Auszahlungen bleiben für die Bearbeitung von Hand ausstehend</translation>
    </message>
    <message>
        <source>listening on %1://%2:%3 (database %4)</source>
        <translation>lausche auf %1://%2:%3 (Datenbank %4)</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>beendet</translation>
    </message>
    <message>
        <source>What the token may do: events:write, outbox:read (repeat, or separate with commas).</source>
        <translation>Was das Token darf: events:write, outbox:read (wiederholen oder mit Kommas trennen).</translation>
    </message>
    <message>
        <source>Who uses the token.</source>
        <translation>Wer das Token verwendet.</translation>
    </message>
    <message>
        <source>Makes an API token for refundctl serve and prints it once; only its hash is stored.</source>
        <translation>Erzeugt ein API-Token für refundctl serve und gibt es einmal aus; nur sein Hash wird gespeichert.</translation>
    </message>
    <message>
        <source>give the token a name</source>
        <translation>geben Sie dem Token einen Namen</translation>
    </message>
    <message>
        <source>give at least one --scope (events:write, outbox:read)</source>
        <translation>geben Sie mindestens ein --scope an (events:write, outbox:read)</translation>
    </message>
    <message>
        <source>unknown scope &apos;%1&apos; (known: %2)</source>
        <translation>unbekannter Bereich „%1“ (bekannt: %2)</translation>
    </message>
    <message>
        <source>a token named &apos;%1&apos; exists already; revoke it or choose another name</source>
        <translation>ein Token namens „%1“ gibt es schon; widerrufen Sie es oder wählen Sie einen anderen Namen</translation>
    </message>
    <message>
        <source>token &apos;%1&apos; (%2): shown this once, keep it in a secret store</source>
        <translation>Token „%1“ (%2): wird nur dieses eine Mal gezeigt, bewahren Sie es in einem Geheimnisspeicher auf</translation>
    </message>
    <message>
        <source>Lists the API tokens (never their secrets).</source>
        <translation>Listet die API-Tokens auf (nie ihre Geheimnisse).</translation>
    </message>
    <message>
        <source>revoked %1</source>
        <translation>widerrufen %1</translation>
    </message>
    <message>
        <source>in force</source>
        <translation>gültig</translation>
    </message>
    <message>
        <source>The token to revoke.</source>
        <translation>Das zu widerrufende Token.</translation>
    </message>
    <message>
        <source>Revokes an API token at once.</source>
        <translation>Widerruft ein API-Token sofort.</translation>
    </message>
    <message>
        <source>name the token to revoke</source>
        <translation>nennen Sie das zu widerrufende Token</translation>
    </message>
    <message>
        <source>no token &apos;%1&apos; in force</source>
        <translation>kein gültiges Token „%1“</translation>
    </message>
    <message>
        <source>token &apos;%1&apos; revoked</source>
        <translation>Token „%1“ widerrufen</translation>
    </message>
    <message>
        <source>Usage: refundctl tokens add NAME --scope events:write|outbox:read
       refundctl tokens list
       refundctl tokens revoke NAME
</source>
        <translation>Aufruf: refundctl tokens add NAME --scope events:write|outbox:read
       refundctl tokens list
       refundctl tokens revoke NAME
</translation>
    </message>
    <message>
        <source>say add, list or revoke</source>
        <translation>geben Sie add, list oder revoke an</translation>
    </message>
    <message>
        <source>unknown action &apos;%1&apos;; say add, list or revoke</source>
        <translation>unbekannte Aktion „%1“; geben Sie add, list oder revoke an</translation>
    </message>
</context>
<context>
    <name>SqlStatement</name>
    <message>
        <source>%1 (in: %2)</source>
        <translation>%1 (in: %2)</translation>
    </message>
</context>
<context>
    <name>SqlWindowModel</name>
    <message>
        <source>%1 (sorting is offered on indexed columns only)</source>
        <translation>%1 (Sortieren wird nur bei indizierten Spalten angeboten)</translation>
    </message>
</context>
<context>
    <name>StripeAnswer</name>
    <message>
        <source>HTTP %1: %2</source>
        <translation>HTTP %1: %2</translation>
    </message>
    <message>
        <source>, after %1 attempts</source>
        <translation>, nach %1 Versuchen</translation>
    </message>
</context>
<context>
    <name>StripeClient</name>
    <message>
        <source>cannot read the secret file %1: it does not exist</source>
        <translation>die Geheimnisdatei %1 kann nicht gelesen werden: Sie existiert nicht</translation>
    </message>
    <message>
        <source>the secret file %1 is readable by others (mode %2): make it 0600 (chmod 600 %1)</source>
        <translation>die Geheimnisdatei %1 ist für andere lesbar (Modus %2): Setzen Sie sie auf 0600 (chmod 600 %1)</translation>
    </message>
    <message>
        <source>cannot read the secret file %1: %2</source>
        <translation>die Geheimnisdatei %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>the secret file %1 should hold one key on one line</source>
        <translation>die Geheimnisdatei %1 sollte genau einen Schlüssel in einer Zeile enthalten</translation>
    </message>
    <message>
        <source>no answer within %1 ms</source>
        <translation>keine Antwort innerhalb von %1 ms</translation>
    </message>
    <message>
        <source>the answer is not a JSON object: %1</source>
        <translation>die Antwort ist kein JSON-Objekt: %1</translation>
    </message>
    <message>
        <source>the answer is not a refund object</source>
        <translation>die Antwort ist kein Erstattungsobjekt</translation>
    </message>
</context>
<context>
    <name>TeamCommands</name>
    <message>
        <source>roles not set up: run refundctl init as a login that may create roles (the database&apos;s owner or a DBA) to give the team its roles</source>
        <translation>Rollen nicht eingerichtet: Führen Sie refundctl init mit einer Anmeldung aus, die Rollen anlegen darf (Eigentümer der Datenbank oder ein DBA), um dem Team seine Rollen zu geben</translation>
    </message>
    <message>
        <source>refundctl init: the team&apos;s roles: %1</source>
        <translation>refundctl init: die Rollen des Teams: %1</translation>
    </message>
    <message>
        <source>roles refunddesk_viewer, _reviewer, _lead and _admin are set up; add people with refundctl users add NAME --role ROLE --password-stdin</source>
        <translation>die Rollen refunddesk_viewer, _reviewer, _lead und _admin sind eingerichtet; fügen Sie Personen mit refundctl users add NAME --role ROLLE --password-stdin hinzu</translation>
    </message>
    <message>
        <source>viewer (read, export), reviewer (decide as the policy says), lead (overrides, policy), admin (people, tokens, settings).</source>
        <translation>viewer (lesen, exportieren), reviewer (nach der Richtlinie entscheiden), lead (Abweichungen, Richtlinie), admin (Personen, Tokens, Einstellungen).</translation>
    </message>
    <message>
        <source>Read the password from the first line of standard input (never on the command line).</source>
        <translation>Das Passwort aus der ersten Zeile der Standardeingabe lesen (nie auf der Befehlszeile).</translation>
    </message>
    <message>
        <source>refundctl users %1: %2</source>
        <translation>refundctl users %1: %2</translation>
    </message>
    <message>
        <source>The person&apos;s login name.</source>
        <translation>Der Anmeldename der Person.</translation>
    </message>
    <message>
        <source>Their new role.</source>
        <translation>Ihre neue Rolle.</translation>
    </message>
    <message>
        <source>Adds a person: a PostgreSQL login role in one of the desk&apos;s roles.</source>
        <translation>Fügt eine Person hinzu: eine PostgreSQL-Anmelderolle in einer der Rollen der Oberfläche.</translation>
    </message>
    <message>
        <source>Gives a person another role.</source>
        <translation>Gibt einer Person eine andere Rolle.</translation>
    </message>
    <message>
        <source>A person can no longer sign in; what they did stays theirs.</source>
        <translation>Eine Person kann sich nicht mehr anmelden; was sie getan hat, bleibt ihr zugeordnet.</translation>
    </message>
    <message>
        <source>Lists the desk&apos;s people and their roles.</source>
        <translation>Listet die Personen der Oberfläche und ihre Rollen auf.</translation>
    </message>
    <message numerus="yes">
        <source>refundctl users %1 takes %n argument(s)</source>
        <translation>
            <numerusform>refundctl users %1 erwartet %n Argument</numerusform>
            <numerusform>refundctl users %1 erwartet %n Argumente</numerusform>
        </translation>
    </message>
    <message>
        <source>a SQLite file is one person&apos;s: its user is the operating-system user, and roles do not apply</source>
        <translation>eine SQLite-Datei gehört einer Person: Ihr Benutzer ist der Benutzer des Betriebssystems, Rollen gelten nicht</translation>
    </message>
    <message>
        <source>can sign in</source>
        <translation>kann sich anmelden</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>deaktiviert</translation>
    </message>
    <message>
        <source>say --role viewer, reviewer, lead or admin</source>
        <translation>geben Sie --role viewer, reviewer, lead oder admin an</translation>
    </message>
    <message>
        <source>no password on standard input</source>
        <translation>kein Passwort auf der Standardeingabe</translation>
    </message>
    <message>
        <source>%1 added as %2</source>
        <translation>%1 als %2 hinzugefügt</translation>
    </message>
    <message>
        <source>%1 is now %2</source>
        <translation>%1 ist jetzt %2</translation>
    </message>
    <message>
        <source>%1 can no longer sign in</source>
        <translation>%1 kann sich nicht mehr anmelden</translation>
    </message>
    <message>
        <source>Usage: refundctl users add NAME --role viewer|reviewer|lead|admin [--password-stdin]
       refundctl users list
       refundctl users set-role NAME ROLE
       refundctl users disable NAME
</source>
        <translation>Aufruf: refundctl users add NAME --role viewer|reviewer|lead|admin [--password-stdin]
       refundctl users list
       refundctl users set-role NAME ROLE
       refundctl users disable NAME
</translation>
    </message>
    <message>
        <source>say add, list, set-role or disable</source>
        <translation>geben Sie add, list, set-role oder disable an</translation>
    </message>
    <message>
        <source>unknown action &apos;%1&apos;; say add, list, set-role or disable</source>
        <translation>unbekannte Aktion „%1“; geben Sie add, list, set-role oder disable an</translation>
    </message>
    <message>
        <source>Usage: refundctl settings list
       refundctl settings get KEY
       refundctl settings set KEY VALUE
Settings: four_eyes_above_cents (default 10000): a money refund above this many cents, in the refund&apos;s currency, and every override need a second approval by another lead (on a team&apos;s database).
</source>
        <translation>Aufruf: refundctl settings list
       refundctl settings get KEY
       refundctl settings set KEY VALUE
Einstellungen: four_eyes_above_cents (Vorgabe 10000): Eine Gelderstattung über so vielen Cent in der Währung der Erstattung und jede Abweichung brauchen eine Zweitfreigabe durch eine andere Teamleitung (in der Datenbank eines Teams).
</translation>
    </message>
    <message>
        <source>say list, get or set</source>
        <translation>geben Sie list, get oder set an</translation>
    </message>
    <message>
        <source>unknown action &apos;%1&apos;; say list, get or set</source>
        <translation>unbekannte Aktion „%1“; geben Sie list, get oder set an</translation>
    </message>
    <message>
        <source>The setting&apos;s name.</source>
        <translation>Der Name der Einstellung.</translation>
    </message>
    <message>
        <source>Its new value.</source>
        <translation>Ihr neuer Wert.</translation>
    </message>
    <message>
        <source>The desk&apos;s shared settings, stored in its database.</source>
        <translation>Die gemeinsamen Einstellungen der Oberfläche, in ihrer Datenbank gespeichert.</translation>
    </message>
    <message numerus="yes">
        <source>refundctl settings %1 takes %n argument(s)</source>
        <translation>
            <numerusform>refundctl settings %1 erwartet %n Argument</numerusform>
            <numerusform>refundctl settings %1 erwartet %n Argumente</numerusform>
        </translation>
    </message>
    <message>
        <source>refundctl settings %1: %2</source>
        <translation>refundctl settings %1: %2</translation>
    </message>
</context>
<context>
    <name>TeamRoles</name>
    <message>
        <source>a role is one of %1, not &quot;%2&quot;</source>
        <translation>eine Rolle ist eine von %1, nicht „%2“</translation>
    </message>
    <message>
        <source>a user name has 1 to 63 characters</source>
        <translation>ein Benutzername hat 1 bis 63 Zeichen</translation>
    </message>
</context>
<context>
    <name>Walker</name>
    <message>
        <source>audit row %1 is at chain position %2, expected %3: a row before it was deleted</source>
        <translation>Audit-Zeile %1 steht an Kettenposition %2, erwartet war %3: eine Zeile davor wurde gelöscht</translation>
    </message>
    <message>
        <source>audit row %1 repeats chain position %2: a row was inserted</source>
        <translation>Audit-Zeile %1 wiederholt Kettenposition %2: eine Zeile wurde eingefügt</translation>
    </message>
    <message>
        <source>audit row %1 (position %2) does not follow the row before it: a row was deleted, inserted or rewritten there</source>
        <translation>Audit-Zeile %1 (Position %2) folgt nicht auf die Zeile davor: dort wurde eine Zeile gelöscht, eingefügt oder umgeschrieben</translation>
    </message>
    <message>
        <source>audit row %1 (position %2) was changed: its content does not match its hash</source>
        <translation>Audit-Zeile %1 (Position %2) wurde verändert: Ihr Inhalt passt nicht zu ihrem Hash</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>&amp;Connect to another database…</source>
        <translation>Mit einer anderen Datenbank &amp;verbinden…</translation>
    </message>
    <message>
        <source>&amp;Import the platform&apos;s events from a file…</source>
        <translation>Die Ereignisse der Plattform aus einer Datei &amp;importieren…</translation>
    </message>
    <message>
        <source>Create &amp;demo data (2,000 accounts)</source>
        <translation>&amp;Demodaten anlegen (2.000 Konten)</translation>
    </message>
    <message>
        <source>&lt;h2&gt;This database has no accounts yet&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;Diese Datenbank hat noch keine Konten&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>Refund Desk works on your platform&apos;s accounts, purchases, jobs and refund requests. Bring them in, or look around on demo data first.

Database: %1</source>
        <translation>Refund Desk arbeitet mit den Konten, Käufen, Jobs und Erstattungsanträgen Ihrer Plattform. Holen Sie sie herein oder sehen Sie sich zuerst mit Demodaten um.

Datenbank: %1</translation>
    </message>
    <message>
        <source>An NDJSON file of events as the platform sends them (see &quot;Connecting your platform&quot; in the README). All of it is applied, or none.</source>
        <translation>Eine NDJSON-Datei mit Ereignissen, wie die Plattform sie sendet (siehe „Connecting your platform“ im README). Alles wird übernommen oder nichts.</translation>
    </message>
    <message>
        <source>Import events</source>
        <translation>Ereignisse importieren</translation>
    </message>
    <message>
        <source>Events (*.ndjson *.jsonl *.json);;All files (*)</source>
        <translation>Ereignisse (*.ndjson *.jsonl *.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>%1 wird importiert…</translation>
    </message>
    <message>
        <source>%1: cannot read: %2</source>
        <translation>%1: kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Importing… %1 events read</source>
        <translation>Import läuft… %1 Ereignisse gelesen</translation>
    </message>
    <message>
        <source>%1 events applied (%2 already known).</source>
        <translation>%1 Ereignisse übernommen (%2 bereits bekannt).</translation>
    </message>
    <message>
        <source>The file was refused: nothing was written. %1 of %2 events have a problem:</source>
        <translation>Die Datei wurde abgewiesen: Nichts wurde geschrieben. %1 von %2 Ereignissen haben ein Problem:</translation>
    </message>
    <message>
        <source>... and %1 more</source>
        <translation>… und %1 weitere</translation>
    </message>
    <message>
        <source>The import failed, nothing was written: %1</source>
        <translation>Der Import ist fehlgeschlagen, nichts wurde geschrieben: %1</translation>
    </message>
    <message>
        <source>Creating demo data…</source>
        <translation>Demodaten werden angelegt…</translation>
    </message>
    <message>
        <source>Creating demo data… %1 of %2 accounts</source>
        <translation>Demodaten werden angelegt… %1 von %2 Konten</translation>
    </message>
    <message>
        <source>The demo data could not be created: %1</source>
        <translation>Die Demodaten konnten nicht angelegt werden: %1</translation>
    </message>
</context>
<context>
    <name>WorkflowCommands</name>
    <message>
        <source>Print no progress.</source>
        <translation>Keinen Fortschritt ausgeben.</translation>
    </message>
    <message>
        <source>Evaluates every new refund request with its account&apos;s policy profile and stores the recommendation. Failed jobs that the policy credits back automatically are approved at once by the system reviewer; everything else waits in the queue.</source>
        <translation>Wertet jeden neuen Erstattungsantrag mit dem Richtlinienprofil seines Kontos aus und speichert die Empfehlung. Fehlgeschlagene Jobs, die die Richtlinie automatisch gutschreibt, werden sofort vom Systembearbeiter genehmigt; alles andere wartet in der Warteschlange.</translation>
    </message>
    <message>
        <source>requests: %1</source>
        <translation>Anträge: %1</translation>
    </message>
    <message>
        <source>refundctl triage: %1</source>
        <translation>refundctl triage: %1</translation>
    </message>
    <message>
        <source>%1 requests evaluated, %2 applied automatically, %3 failed</source>
        <translation>%1 Anträge ausgewertet, %2 automatisch angewendet, %3 fehlgeschlagen</translation>
    </message>
    <message>
        <source>approve, deny or escalate.</source>
        <translation>approve, deny oder escalate.</translation>
    </message>
    <message>
        <source>Who decides (recorded with the decision).</source>
        <translation>Wer entscheidet (wird mit der Entscheidung gespeichert).</translation>
    </message>
    <message>
        <source>The reason, recorded with the decision; required to decide against the policy.</source>
        <translation>Der Grund, mit der Entscheidung gespeichert; erforderlich, um gegen die Richtlinie zu entscheiden.</translation>
    </message>
    <message>
        <source>Refund less money than recommended (minor units), or name the amount where the policy names none.</source>
        <translation>Weniger Geld als empfohlen erstatten (kleinste Einheiten) oder den Betrag nennen, wo die Richtlinie keinen nennt.</translation>
    </message>
    <message>
        <source>Confirm deciding against the policy&apos;s recommendation (needs --note).</source>
        <translation>Bestätigen, dass gegen die Empfehlung der Richtlinie entschieden wird (braucht --note).</translation>
    </message>
    <message>
        <source>Refund request ids.</source>
        <translation>IDs der Erstattungsanträge.</translation>
    </message>
    <message>
        <source>Approves, denies or escalates refund requests, each in one transaction, and prints one line per request.</source>
        <translation>Genehmigt, lehnt ab oder eskaliert Erstattungsanträge, jeden in einer Transaktion, und gibt eine Zeile pro Antrag aus.</translation>
    </message>
    <message>
        <source>--verdict must be approve, deny or escalate, not &apos;%1&apos;</source>
        <translation>--verdict muss approve, deny oder escalate sein, nicht „%1“</translation>
    </message>
    <message>
        <source>--verdict approve|deny|escalate is required</source>
        <translation>--verdict approve|deny|escalate ist erforderlich</translation>
    </message>
    <message>
        <source>--reviewer NAME is required</source>
        <translation>--reviewer NAME ist erforderlich</translation>
    </message>
    <message>
        <source>--amount-cents needs a positive whole number, not &apos;%1&apos;</source>
        <translation>--amount-cents erwartet eine positive ganze Zahl, nicht „%1“</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a request id</source>
        <translation>„%1“ ist keine Antrags-ID</translation>
    </message>
    <message>
        <source>name at least one request id</source>
        <translation>nennen Sie mindestens eine Antrags-ID</translation>
    </message>
    <message>
        <source>%1 approved</source>
        <translation>%1 approved</translation>
    </message>
    <message>
        <source>%1 denied</source>
        <translation>%1 denied</translation>
    </message>
    <message>
        <source>%1 escalated</source>
        <translation>%1 escalated</translation>
    </message>
    <message>
        <source>%1 awaiting-approval</source>
        <translation>%1 awaiting-approval</translation>
    </message>
    <message>
        <source>another lead gives the second approval (refundctl approvals approve %1)</source>
        <translation>eine andere Teamleitung erteilt die Zweitfreigabe (refundctl approvals approve %1)</translation>
    </message>
    <message>
        <source>%1 already-decided by %2</source>
        <translation>%1 already-decided by %2</translation>
    </message>
    <message>
        <source>%1 already-compensated: %2</source>
        <translation>%1 already-compensated: %2</translation>
    </message>
    <message>
        <source>%1 error: %2</source>
        <translation>%1 error: %2</translation>
    </message>
    <message>
        <source>One JSON object: ok, the counts, the time taken and each violation with its check.</source>
        <translation>Ein JSON-Objekt: ok, die Zählungen, die benötigte Zeit und jede Verletzung mit ihrer Prüfung.</translation>
    </message>
    <message>
        <source>Checks, in one read-only snapshot, everything users trust the ledger with: balances equal their entries and their credit lots and never go negative; every credit that moves has a cause on its own account (a purchase, a job, a chargeback or an approved decision); every payout matches an approved money refund of that account, purchase, currency and amount; no purchase gets back more money than it paid or more credits than it delivered, nor one remedy twice; a job is credited back at most once; every decided request has its decision, its ledger entries and payouts, and its audit record. Writes nothing; exit 1 when anything is wrong.</source>
        <translation>Prüft in einem schreibgeschützten Schnappschuss alles, wofür Benutzer dem Hauptbuch vertrauen: Guthaben entsprechen ihren Buchungen und ihren Credit-Posten und werden nie negativ; jeder bewegte Credit hat eine Ursache auf seinem eigenen Konto (einen Kauf, einen Job, einen Chargeback oder eine genehmigte Entscheidung); jede Auszahlung passt zu einer genehmigten Gelderstattung dieses Kontos, Kaufs, dieser Währung und dieses Betrags; kein Kauf bekommt mehr Geld zurück, als er gekostet hat, oder mehr Credits, als er geliefert hat, und keine Leistung zweimal; ein Job wird höchstens einmal gutgeschrieben; jeder entschiedene Antrag hat seine Entscheidung, seine Buchungen und Auszahlungen und seinen Audit-Eintrag. Schreibt nichts; Exit-Code 1, wenn etwas nicht stimmt.</translation>
    </message>
    <message>
        <source>ok: %1 accounts, %2 ledger entries, %3 decisions; every invariant holds</source>
        <translation>ok: %1 Konten, %2 Buchungen, %3 Entscheidungen; jede Invariante gilt</translation>
    </message>
    <message>
        <source>refundctl check: invariants violated in %1</source>
        <translation>refundctl check: Invarianten verletzt in %1</translation>
    </message>
    <message>
        <source>Only requests in this status: new, pending, escalated, awaiting_approval, approved, denied.</source>
        <translation>Nur Anträge in diesem Status: new, pending, escalated, awaiting_approval, approved, denied.</translation>
    </message>
    <message>
        <source>Only requests of this type (e.g. failed_job).</source>
        <translation>Nur Anträge dieser Art (z. B. failed_job).</translation>
    </message>
    <message>
        <source>At most this many requests.</source>
        <translation>Höchstens so viele Anträge.</translation>
    </message>
    <message>
        <source>One JSON array instead of a table.</source>
        <translation>Ein JSON-Array statt einer Tabelle.</translation>
    </message>
    <message>
        <source>Lists refund requests with their stored recommendation.</source>
        <translation>Listet Erstattungsanträge mit ihrer gespeicherten Empfehlung auf.</translation>
    </message>
    <message>
        <source>--status must be one of %1, not &apos;%2&apos;</source>
        <translation>--status muss einer der Werte %1 sein, nicht „%2“</translation>
    </message>
    <message>
        <source>unknown request type &apos;%1&apos;</source>
        <translation>unbekannte Antragsart „%1“</translation>
    </message>
    <message>
        <source>--limit needs a positive whole number, not &apos;%1&apos;</source>
        <translation>--limit erwartet eine positive ganze Zahl, nicht „%1“</translation>
    </message>
    <message>
        <source>id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>type</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>received</source>
        <translation>eingegangen</translation>
    </message>
    <message>
        <source>recommendation</source>
        <translation>Empfehlung</translation>
    </message>
    <message>
        <source>respond by</source>
        <translation>Antwort bis</translation>
    </message>
    <message>
        <source>assigned to</source>
        <translation>zugewiesen an</translation>
    </message>
    <message>
        <source>refund %1</source>
        <translation>%1 erstatten</translation>
    </message>
    <message>
        <source>restore %1</source>
        <translation>%1 gutschreiben</translation>
    </message>
    <message>
        <source>The reason the bank gives.</source>
        <translation>Der Grund, den die Bank angibt.</translation>
    </message>
    <message>
        <source>The customer contacted support before disputing the charge.</source>
        <translation>Der Kunde hat sich an den Support gewandt, bevor er die Abbuchung angefochten hat.</translation>
    </message>
    <message>
        <source>The disputed purchase.</source>
        <translation>Der angefochtene Kauf.</translation>
    </message>
    <message>
        <source>Records a chargeback the bank reports: marks the purchase disputed, applies the profile&apos;s account actions (suspension, clawback) and opens a chargeback case in the queue. Approving the case records it as lost, denying it as won.</source>
        <translation>Erfasst einen Chargeback, den die Bank meldet: markiert den Kauf als angefochten, wendet die Kontomaßnahmen des Profils an (Sperrung, Rückforderung) und eröffnet einen Chargeback-Fall in der Warteschlange. Den Fall zu genehmigen erfasst ihn als verloren, ihn abzulehnen als gewonnen.</translation>
    </message>
    <message>
        <source>name exactly one purchase id</source>
        <translation>nennen Sie genau eine Kauf-ID</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a purchase id</source>
        <translation>„%1“ ist keine Kauf-ID</translation>
    </message>
    <message>
        <source>chargeback on purchase %1 recorded as request %2</source>
        <translation>Chargeback zu Kauf %1 als Antrag %2 erfasst</translation>
    </message>
    <message>
        <source>Usage: refundctl approvals list [--json]
       refundctl approvals approve ID... [--reviewer NAME]
       refundctl approvals send-back ID --note TEXT [--reviewer NAME]
Four-eyes: a money refund above the desk&apos;s threshold (refundctl settings) and every override wait for a second approval by another lead.
</source>
        <translation>Aufruf: refundctl approvals list [--json]
       refundctl approvals approve ID... [--reviewer NAME]
       refundctl approvals send-back ID --note TEXT [--reviewer NAME]
Vier-Augen-Prinzip: Eine Gelderstattung über der Schwelle der Oberfläche (refundctl settings) und jede Abweichung warten auf eine Zweitfreigabe durch eine andere Teamleitung.
</translation>
    </message>
    <message>
        <source>say list, approve or send-back</source>
        <translation>geben Sie list, approve oder send-back an</translation>
    </message>
    <message>
        <source>unknown action &apos;%1&apos;; say list, approve or send-back</source>
        <translation>unbekannte Aktion „%1“; geben Sie list, approve oder send-back an</translation>
    </message>
    <message>
        <source>Who approves or sends back (on a team&apos;s database: the signed-in login, always).</source>
        <translation>Wer freigibt oder zurückschickt (in der Datenbank eines Teams immer die angemeldete Anmeldung).</translation>
    </message>
    <message>
        <source>Why it goes back (required).</source>
        <translation>Warum er zurückgeht (erforderlich).</translation>
    </message>
    <message>
        <source>Lists the requests waiting for a second approval, oldest first.</source>
        <translation>Listet die Anträge auf, die auf eine Zweitfreigabe warten, die ältesten zuerst.</translation>
    </message>
    <message>
        <source>Sends waiting requests back to the queue with a note.</source>
        <translation>Schickt wartende Anträge mit einer Notiz in die Warteschlange zurück.</translation>
    </message>
    <message>
        <source>Gives the second approval: the first approval&apos;s decision is written and carried out (payout, credits), one transaction per request.</source>
        <translation>Erteilt die Zweitfreigabe: Die Entscheidung der ersten Freigabe wird geschrieben und ausgeführt (Auszahlung, Credits), eine Transaktion pro Antrag.</translation>
    </message>
    <message>
        <source>(override)</source>
        <translation>(Abweichung)</translation>
    </message>
    <message>
        <source>no request is waiting for a second approval</source>
        <translation>kein Antrag wartet auf eine Zweitfreigabe</translation>
    </message>
    <message>
        <source>--note TEXT is required: say why it goes back</source>
        <translation>--note TEXT ist erforderlich: Sagen Sie, warum er zurückgeht</translation>
    </message>
    <message>
        <source>%1 sent back</source>
        <translation>%1 sent back</translation>
    </message>
    <message>
        <source>Why the decision is reversed (required).</source>
        <translation>Warum die Entscheidung zurückgenommen wird (erforderlich).</translation>
    </message>
    <message>
        <source>The lead who reverses (on a team&apos;s database: the signed-in login, always).</source>
        <translation>Die Teamleitung, die zurücknimmt (in der Datenbank eines Teams immer die angemeldete Anmeldung).</translation>
    </message>
    <message>
        <source>The decided request.</source>
        <translation>Der entschiedene Antrag.</translation>
    </message>
    <message>
        <source>Reverses a decision (a lead&apos;s correction, never an UPDATE): the credits it moved move back and the request is reopened as a new one, triaged at once. Money that left for the card is not reversed.</source>
        <translation>Nimmt eine Entscheidung zurück (die Korrektur einer Teamleitung, nie ein UPDATE): Die bewegten Credits gehen zurück, und der Antrag wird als neuer Antrag wieder geöffnet und sofort vorgeprüft. Geld, das auf die Karte gegangen ist, wird nicht zurückgeholt.</translation>
    </message>
    <message>
        <source>name one decided request id</source>
        <translation>nennen Sie eine entschiedene Antrags-ID</translation>
    </message>
    <message>
        <source>--reason TEXT is required: say why the decision is reversed</source>
        <translation>--reason TEXT ist erforderlich: Sagen Sie, warum die Entscheidung zurückgenommen wird</translation>
    </message>
    <message>
        <source>%1 reversed: reopened as request %2</source>
        <translation>%1 reversed: reopened as request %2</translation>
    </message>
    <message>
        <source>%1 taken back</source>
        <translation>%1 abgezogen</translation>
    </message>
    <message>
        <source>%1 returned</source>
        <translation>%1 zurückgegeben</translation>
    </message>
    <message>
        <source>refundctl reverse: %1</source>
        <translation>refundctl reverse: %1</translation>
    </message>
</context>
<context>
    <name>WorkflowInternals</name>
    <message>
        <source>refunded %1 by request %2 (%3)</source>
        <translation>%1 erstattet durch Antrag %2 (%3)</translation>
    </message>
    <message>
        <source>restored 1 credit by request %1 (%2)</source>
        <translation>1 Credit gutgeschrieben durch Antrag %1 (%2)</translation>
    </message>
    <message>
        <source>restored %3 credits by request %1 (%2)</source>
        <translation>%3 Credits gutgeschrieben durch Antrag %1 (%2)</translation>
    </message>
    <message>
        <source>charged back %1 by the bank</source>
        <translation>%1 von der Bank zurückgebucht</translation>
    </message>
    <message>
        <source>purchase %1 has nothing left to give back</source>
        <translation>Kauf %1 hat nichts mehr zurückzugeben</translation>
    </message>
    <message>
        <source>purchase %1 was already %2</source>
        <translation>Kauf %1 wurde bereits %2</translation>
    </message>
</context>
<context>
    <name>WriteTransaction</name>
    <message>
        <source>%1 is read-only here: nothing can be written to it</source>
        <translation>%1 ist hier schreibgeschützt: Nichts kann hineingeschrieben werden</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Creating the demo database…</source>
        <translation>Die Demodatenbank wird angelegt…</translation>
    </message>
    <message>
        <source>Refund Desk</source>
        <translation>Refund Desk</translation>
    </message>
    <message>
        <source>Evaluating the refund requests…</source>
        <translation>Die Erstattungsanträge werden ausgewertet…</translation>
    </message>
    <message>
        <source>Database URL: sqlite:/path/file.db or postgresql://user@host[:port]/dbname.</source>
        <translation>Datenbank-URL: sqlite:/pfad/datei.db oder postgresql://benutzer@host[:port]/dbname.</translation>
    </message>
    <message>
        <source>Fill the database with demo data if it has no accounts yet.</source>
        <translation>Die Datenbank mit Demodaten füllen, wenn sie noch keine Konten hat.</translation>
    </message>
    <message>
        <source>Save a PNG of the main window to FILE and quit (no display needed).</source>
        <translation>Ein PNG des Hauptfensters in DATEI speichern und beenden (kein Bildschirm nötig).</translation>
    </message>
    <message>
        <source>Window size for --screenshot, e.g. 1600x1900.</source>
        <translation>Fenstergröße für --screenshot, z. B. 1600x1900.</translation>
    </message>
    <message>
        <source>Refund review for prepaid-credit platforms.</source>
        <translation>Prüfung von Erstattungen für Plattformen mit Prepaid-Credits.</translation>
    </message>
    <message>
        <source>Cannot open the database.

%1</source>
        <translation>Die Datenbank kann nicht geöffnet werden.

%1</translation>
    </message>
    <message>
        <source>Unknown page &quot;%1&quot;; use one of: %2.</source>
        <translation>Unbekannte Seite „%1“; verwenden Sie eine von: %2.</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>DATEI</translation>
    </message>
    <message>
        <source>Open on PAGE: queue, accounts, ledger, purchases, jobs, payouts, dashboard or policy.</source>
        <translation>Auf SEITE öffnen: queue, accounts, ledger, purchases, jobs, payouts, dashboard oder policy.</translation>
    </message>
    <message>
        <source>PAGE</source>
        <translation>SEITE</translation>
    </message>
    <message>
        <source>WxH</source>
        <translation>BxH</translation>
    </message>
    <message>
        <source>refunddesk: %1</source>
        <translation>refunddesk: %1</translation>
    </message>
</context>
<context>
    <name>refundctl</name>
    <message>
        <source>refundctl %1: %2</source>
        <translation>refundctl %1: %2</translation>
    </message>
    <message>
        <source>Try &apos;refundctl %1 --help&apos;.</source>
        <translation>Versuchen Sie „refundctl %1 --help“.</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos;</source>
        <translation>unerwartetes Argument „%1“</translation>
    </message>
    <message>
        <source>Database URL: sqlite:/path/file.db or postgresql://user[:password]@host[:port]/dbname (default: $REFUNDDESK_DATABASE, else the demo file).</source>
        <translation>Datenbank-URL: sqlite:/pfad/datei.db oder postgresql://benutzer[:passwort]@host[:port]/dbname (Vorgabe: $REFUNDDESK_DATABASE, sonst die Demodatei).</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Diese Hilfe anzeigen.</translation>
    </message>
    <message>
        <source>%1: no such database file (refundctl init creates one, refundctl ingest or demo fill it)</source>
        <translation>%1: keine solche Datenbankdatei (refundctl init legt eine an, refundctl ingest oder demo füllen sie)</translation>
    </message>
    <message>
        <source>list, approve or send back the requests waiting for a second approval</source>
        <translation>die Anträge, die auf eine Zweitfreigabe warten, auflisten, freigeben oder zurückschicken</translation>
    </message>
    <message>
        <source>verify the audit trail&apos;s hash chain, print its head</source>
        <translation>die Hash-Kette des Audit-Protokolls prüfen, ihr Ende ausgeben</translation>
    </message>
    <message>
        <source>time the desk&apos;s views against sqlite3 or psql</source>
        <translation>die Ansichten der Oberfläche gegen sqlite3 oder psql messen</translation>
    </message>
    <message>
        <source>record a chargeback the bank reports on a purchase</source>
        <translation>einen Chargeback erfassen, den die Bank zu einem Kauf meldet</translation>
    </message>
    <message>
        <source>check the ledger&apos;s invariants</source>
        <translation>die Invarianten des Hauptbuchs prüfen</translation>
    </message>
    <message>
        <source>approve, deny or escalate refund requests</source>
        <translation>Erstattungsanträge genehmigen, ablehnen oder eskalieren</translation>
    </message>
    <message>
        <source>export a report as CSV</source>
        <translation>einen Bericht als CSV exportieren</translation>
    </message>
    <message>
        <source>apply the platform&apos;s events from an NDJSON file</source>
        <translation>die Ereignisse der Plattform aus einer NDJSON-Datei übernehmen</translation>
    </message>
    <message>
        <source>create or upgrade the database schema</source>
        <translation>das Datenbankschema anlegen oder aktualisieren</translation>
    </message>
    <message>
        <source>fill the database with reproducible demo data</source>
        <translation>die Datenbank mit reproduzierbaren Demodaten füllen</translation>
    </message>
    <message>
        <source>print the desk&apos;s changes for the platform (NDJSON)</source>
        <translation>die Änderungen der Oberfläche für die Plattform ausgeben (NDJSON)</translation>
    </message>
    <message>
        <source>send money refunds to the processor, reconcile, list, mark or retry them</source>
        <translation>Gelderstattungen an den Zahlungsdienstleister senden, abgleichen, auflisten, markieren oder wiederholen</translation>
    </message>
    <message>
        <source>evaluate a refund case, list or show policy profiles</source>
        <translation>einen Erstattungsfall auswerten, Richtlinienprofile auflisten oder zeigen</translation>
    </message>
    <message>
        <source>list refund requests with their recommendation</source>
        <translation>Erstattungsanträge mit ihrer Empfehlung auflisten</translation>
    </message>
    <message>
        <source>serve the platform&apos;s intake and outbox over HTTP</source>
        <translation>Annahme und Postausgang der Plattform über HTTP bereitstellen</translation>
    </message>
    <message>
        <source>reverse a decision (a lead&apos;s correction) and reopen its request</source>
        <translation>eine Entscheidung zurücknehmen (die Korrektur einer Teamleitung) und ihren Antrag wieder öffnen</translation>
    </message>
    <message>
        <source>list, get or set the desk&apos;s shared settings</source>
        <translation>die gemeinsamen Einstellungen der Oberfläche auflisten, lesen oder setzen</translation>
    </message>
    <message>
        <source>print counts of the database as JSON</source>
        <translation>Zählungen der Datenbank als JSON ausgeben</translation>
    </message>
    <message>
        <source>add, list or revoke the API tokens of serve</source>
        <translation>die API-Tokens von serve hinzufügen, auflisten oder widerrufen</translation>
    </message>
    <message>
        <source>add, list or disable the people of a team&apos;s database, set their role</source>
        <translation>die Personen der Team-Datenbank hinzufügen, auflisten oder deaktivieren, ihre Rolle setzen</translation>
    </message>
    <message>
        <source>evaluate new requests, apply automatic credit-backs</source>
        <translation>neue Anträge auswerten, automatische Gutschriften anwenden</translation>
    </message>
    <message>
        <source>Usage: refundctl COMMAND [options]
The command-line twin of Refund Desk.

Commands:
</source>
        <translation>Aufruf: refundctl BEFEHL [Optionen]
Der Befehlszeilen-Zwilling von Refund Desk.

Befehle:
</translation>
    </message>
    <message>
        <source>
Every command takes --database URL (sqlite:/path/file.db or postgresql://user[:password]@host[:port]/dbname);
without it $REFUNDDESK_DATABASE, else the embedded demo file.
&apos;refundctl COMMAND --help&apos; describes a command.
</source>
        <translation>
Jeder Befehl nimmt --database URL (sqlite:/pfad/datei.db oder postgresql://benutzer[:passwort]@host[:port]/dbname);
ohne sie $REFUNDDESK_DATABASE, sonst die eingebettete Demodatei.
„refundctl BEFEHL --help“ beschreibt einen Befehl.
</translation>
    </message>
    <message>
        <source>refundctl: unknown command &apos;%1&apos;</source>
        <translation>refundctl: unbekannter Befehl „%1“</translation>
    </message>
    <message>
        <source>refundctl %1: cannot write the output: %2</source>
        <translation>refundctl %1: die Ausgabe kann nicht geschrieben werden: %2</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n group(s) differ from the facts</source>
        <translation>
            <numerusform>%1: %n Gruppe weicht von den Fakten ab</numerusform>
            <numerusform>%1: %n Gruppen weichen von den Fakten ab</numerusform>
        </translation>
    </message>
    <message>
        <source>count the dashboard&apos;s rollups again from the facts, or compare them</source>
        <translation>die Rollups des Dashboards neu aus den Fakten zählen oder mit ihnen vergleichen</translation>
    </message>
</context>
</TS>
