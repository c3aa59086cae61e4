<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>AccountRepository</name>
    <message>
        <source>no account with id %1</source>
        <translation>aucun compte avec l&apos;identifiant %1</translation>
    </message>
</context>
<context>
    <name>AccountTableModel</name>
    <message>
        <source>Account ID</source>
        <translation>N° de compte</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>Solde</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Créé le</translation>
    </message>
</context>
<context>
    <name>AccountView</name>
    <message>
        <source>&amp;Ledger</source>
        <translation>É&amp;critures</translation>
    </message>
    <message>
        <source>&amp;Purchases</source>
        <translation>&amp;Achats</translation>
    </message>
    <message>
        <source>&amp;Jobs</source>
        <translation>&amp;Tâches</translation>
    </message>
    <message>
        <source>&amp;Requests</source>
        <translation>&amp;Demandes</translation>
    </message>
    <message>
        <source>&amp;Audit trail</source>
        <translation>Journal d&apos;a&amp;udit</translation>
    </message>
    <message>
        <source>Account %1 does not exist.</source>
        <translation>Le compte %1 n&apos;existe pas.</translation>
    </message>
    <message>
        <source>&lt;h2&gt;%1 &amp;lt;%2&amp;gt;&lt;/h2&gt;Account %3 · %4 · %5 · &lt;b&gt;%6 credits&lt;/b&gt;&lt;br&gt;%7 purchases, %8 paid, %9 refunded · %10 jobs credited back (%11 credits)</source>
        <translation>&lt;h2&gt;%1 &amp;lt;%2&amp;gt;&lt;/h2&gt;Compte %3 · %4 · %5 · &lt;b&gt;%6 crédits&lt;/b&gt;&lt;br&gt;%7 achats, %8 payés, %9 remboursés · %10 tâches recréditées (%11 crédits)</translation>
    </message>
    <message>
        <source>Cannot read account %1: %2</source>
        <translation>Impossible de lire le compte %1 : %2</translation>
    </message>
</context>
<context>
    <name>ApiServer</name>
    <message>
        <source>%1 of %2 events refused; nothing was written</source>
        <translation>%1 événements sur %2 refusés ; rien n&apos;a été écrit</translation>
    </message>
    <message>
        <source>no such endpoint: %1 %2</source>
        <translation>point d&apos;accès inexistant : %1 %2</translation>
    </message>
    <message>
        <source>cannot listen on %1:%2 (in use, or not allowed)</source>
        <translation>impossible d&apos;écouter sur %1:%2 (déjà utilisé, ou non autorisé)</translation>
    </message>
    <message>
        <source>%1: cannot read: %2</source>
        <translation>%1 : lecture impossible : %2</translation>
    </message>
    <message>
        <source>%1: not a PEM certificate</source>
        <translation>%1 : ce n&apos;est pas un certificat PEM</translation>
    </message>
    <message>
        <source>%1: not a PEM private key (RSA or EC)</source>
        <translation>%1 : ce n&apos;est pas une clé privée PEM (RSA ou EC)</translation>
    </message>
    <message>
        <source>this build of Qt has no TLS: put the server behind a reverse proxy</source>
        <translation>cette version de Qt n&apos;a pas de TLS : placez le serveur derrière un proxy inverse</translation>
    </message>
    <message>
        <source>the database is unreachable; nothing was written, try again later (%1)</source>
        <translation>la base de données est injoignable ; rien n&apos;a été écrit, réessayez plus tard (%1)</translation>
    </message>
    <message>
        <source>webhooks are not configured on this server (REFUNDDESK_STRIPE_WEBHOOK_SECRET_FILE)</source>
        <translation>les webhooks ne sont pas configurés sur ce serveur (REFUNDDESK_STRIPE_WEBHOOK_SECRET_FILE)</translation>
    </message>
    <message>
        <source>the body is larger than 16 MiB</source>
        <translation>le corps dépasse 16 Mio</translation>
    </message>
    <message>
        <source>an Authorization: Bearer TOKEN header is required</source>
        <translation>un en-tête « Authorization: Bearer TOKEN » est requis</translation>
    </message>
    <message>
        <source>the token is unknown or revoked</source>
        <translation>le jeton est inconnu ou révoqué</translation>
    </message>
    <message>
        <source>the token &quot;%1&quot; does not have the %2 scope</source>
        <translation>le jeton « %1 » n&apos;a pas la portée %2</translation>
    </message>
    <message>
        <source>the body must be application/x-ndjson or application/json, not &quot;%1&quot;</source>
        <translation>le corps doit être application/x-ndjson ou application/json, pas « %1 »</translation>
    </message>
    <message>
        <source>the body is larger than 16 MiB: send smaller batches</source>
        <translation>le corps dépasse 16 Mio : envoyez des lots plus petits</translation>
    </message>
    <message>
        <source>after must be a sequence number</source>
        <translation>after doit être un numéro de séquence</translation>
    </message>
    <message>
        <source>limit must be a whole number from 1 to 5000</source>
        <translation>limit doit être un nombre entier de 1 à 5000</translation>
    </message>
    <message>
        <source>the database is unreachable; try again later (%1)</source>
        <translation>la base de données est injoignable ; réessayez plus tard (%1)</translation>
    </message>
    <message>
        <source>the database is unreachable</source>
        <translation>la base de données est injoignable</translation>
    </message>
</context>
<context>
    <name>Applier</name>
    <message>
        <source>no %1 with the id %2</source>
        <translation>aucun(e) %1 avec l&apos;identifiant %2</translation>
    </message>
    <message>
        <source>differs from %1 as already recorded (%2, now %3): facts do not change</source>
        <translation>diffère de %1 tel que déjà enregistré (%2, maintenant %3) : les faits ne changent pas</translation>
    </message>
    <message>
        <source>purchase &quot;%1&quot;</source>
        <translation>achat « %1 »</translation>
    </message>
    <message>
        <source>job &quot;%1&quot;</source>
        <translation>tâche « %1 »</translation>
    </message>
    <message>
        <source>no account has the email &quot;%1&quot;</source>
        <translation>aucun compte n&apos;a l&apos;adresse e-mail « %1 »</translation>
    </message>
    <message>
        <source>purchase &quot;%1&quot; is not this account&apos;s</source>
        <translation>l&apos;achat « %1 » n&apos;appartient pas à ce compte</translation>
    </message>
    <message>
        <source>job &quot;%1&quot; is not this account&apos;s</source>
        <translation>la tâche « %1 » n&apos;appartient pas à ce compte</translation>
    </message>
    <message>
        <source>is required for a failed_job request</source>
        <translation>est requis pour une demande de type failed_job</translation>
    </message>
    <message>
        <source>is required for a %1 request</source>
        <translation>est requis pour une demande de type %1</translation>
    </message>
    <message>
        <source>request &quot;%1&quot;</source>
        <translation>demande « %1 »</translation>
    </message>
    <message>
        <source>purchase &quot;%1&quot; already has an open chargeback</source>
        <translation>l&apos;achat « %1 » a déjà une rétrofacturation ouverte</translation>
    </message>
</context>
<context>
    <name>AuditChain</name>
    <message>
        <source>cannot read the audit log: an unknown database driver</source>
        <translation>impossible de lire le journal d&apos;audit : pilote de base de données inconnu</translation>
    </message>
    <message>
        <source>audit row %1 is at chain position %2, expected %3: a row before it was deleted</source>
        <translation>la ligne d&apos;audit %1 est à la position %2 de la chaîne, %3 attendu : une ligne antérieure a été supprimée</translation>
    </message>
    <message>
        <source>audit row %1 (position %2) does not follow the row before it: a row was deleted, inserted or rewritten there</source>
        <translation>la ligne d&apos;audit %1 (position %2) ne suit pas la précédente : une ligne y a été supprimée, insérée ou réécrite</translation>
    </message>
</context>
<context>
    <name>AuditCommands</name>
    <message>
        <source>Usage: refundctl audit verify [--expect-head HASH]
       refundctl audit head
</source>
        <translation>Usage : refundctl audit verify [--expect-head HASH]
        refundctl audit head
</translation>
    </message>
    <message>
        <source>say verify or head</source>
        <translation>indiquez verify ou head</translation>
    </message>
    <message>
        <source>unknown action &apos;%1&apos;; say verify or head</source>
        <translation>action inconnue « %1 » ; indiquez verify ou head</translation>
    </message>
</context>
<context>
    <name>AuditTableModel</name>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Qui</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Quoi</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>Demande</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Chain position</source>
        <translation>Position dans la chaîne</translation>
    </message>
    <message>
        <source>Hash</source>
        <translation>Empreinte</translation>
    </message>
</context>
<context>
    <name>BenchCommands</name>
    <message>
        <source>%1 is not installed</source>
        <translation>%1 n&apos;est pas installé</translation>
    </message>
    <message>
        <source>no timing in the output of %1</source>
        <translation>aucune mesure de temps dans la sortie de %1</translation>
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
        <translation>Usage : refundctl bench views [--database URL] [--account ID]
        refundctl bench export [--database URL]
        refundctl bench dashboard [--database URL]
        refundctl bench ingest [--database URL] [--accounts N]
        refundctl bench payouts [--database URL] [--count N] --stripe-key-file F --stripe-api-base URL
        refundctl bench audit [--database URL] [--rows N]
views : chronomètre les modèles de tableaux du bureau sur une (grande) base, à côté des mêmes requêtes exécutées par sqlite3 ou psql.
export : exporte les écritures en CSV et compare lignes par seconde et mémoire avec sqlite3 -csv ou psql \copy.
dashboard : chronomètre chaque indicateur du tableau de bord des responsables pour les périodes habituelles.
ingest : les événements de la plateforme depuis un fichier et par HTTP, en événements par seconde (écrit dans la base : utilisez une base de test).
payouts : des versements via le service de versement vers un prestataire de paiement, et le temps propre du service par versement (écrit : utilisez une base de test).
audit : ajoute des lignes d&apos;audit, puis chronomètre audit verify à côté de sqlite3 ou psql lisant les mêmes colonnes (écrit : utilisez une base de test).
</translation>
    </message>
    <message>
        <source>say what to benchmark: views, export, dashboard, ingest, payouts or audit</source>
        <translation>indiquez ce qu&apos;il faut mesurer : views, export, dashboard, ingest, payouts ou audit</translation>
    </message>
    <message>
        <source>The account to filter on (default: one in the middle).</source>
        <translation>Le compte sur lequel filtrer (par défaut : un compte au milieu).</translation>
    </message>
    <message>
        <source>What to benchmark.</source>
        <translation>Ce qu&apos;il faut mesurer.</translation>
    </message>
    <message>
        <source>%1, account %2, best of %3 runs each; ms, model vs %4</source>
        <translation>%1, compte %2, meilleur de %3 essais chacun ; ms, modèle contre %4</translation>
    </message>
    <message>
        <source>view</source>
        <translation>vue</translation>
    </message>
    <message>
        <source>step</source>
        <translation>étape</translation>
    </message>
    <message>
        <source>rows</source>
        <translation>lignes</translation>
    </message>
    <message>
        <source>model</source>
        <translation>modèle</translation>
    </message>
    <message>
        <source>bare</source>
        <translation>brut</translation>
    </message>
    <message>
        <source>ratio</source>
        <translation>rapport</translation>
    </message>
    <message>
        <source>first rows</source>
        <translation>premières lignes</translation>
    </message>
    <message>
        <source>count</source>
        <translation>nombre</translation>
    </message>
    <message>
        <source>last row</source>
        <translation>dernière ligne</translation>
    </message>
    <message>
        <source>re-sort</source>
        <translation>retri</translation>
    </message>
    <message>
        <source>every step within 3x of the bare query</source>
        <translation>chaque étape dans un facteur 3 de la requête brute</translation>
    </message>
    <message>
        <source>some steps are above 3x of the bare query</source>
        <translation>certaines étapes dépassent 3 fois la requête brute</translation>
    </message>
    <message>
        <source>refundctl bench: %1</source>
        <translation>refundctl bench : %1</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>échec de %1 : %2</translation>
    </message>
    <message>
        <source>%1: %2 ledger rows, %3 MB of CSV</source>
        <translation>%1 : %2 lignes d&apos;écritures, %3 Mo de CSV</translation>
    </message>
    <message>
        <source>refundctl export: %1 s, %2 rows/s, peak memory grew by %3 MB</source>
        <translation>refundctl export : %1 s, %2 lignes/s, pic de mémoire en hausse de %3 Mo</translation>
    </message>
    <message>
        <source>%1: %2 s, %3 rows/s; ratio %4x (target %5x)</source>
        <translation>%1 : %2 s, %3 lignes/s ; rapport %4x (objectif %5x)</translation>
    </message>
    <message>
        <source>no bare comparison: %1 is not installed</source>
        <translation>pas de comparaison brute : %1 n&apos;est pas installé</translation>
    </message>
    <message>
        <source>Computes every figure of the managers&apos; dashboard for the last 30 days by day, the last quarter by week and the last year by month and by day (also for one profile), and prints the milliseconds each figure takes (best of 3) and their sum: what a range change costs. Target: a second or two on a 200,000-account database.</source>
        <translation>Calcule chaque indicateur du tableau de bord des responsables pour les 30 derniers jours par jour, le dernier trimestre par semaine et la dernière année par mois et par jour (aussi pour un profil), et affiche les millisecondes de chaque indicateur (meilleur de 3) et leur somme : le coût d&apos;un changement de période. Objectif : une ou deux secondes sur une base de 200 000 comptes.</translation>
    </message>
    <message>
        <source>30 days by day</source>
        <translation>30 jours par jour</translation>
    </message>
    <message>
        <source>quarter by week</source>
        <translation>trimestre par semaine</translation>
    </message>
    <message>
        <source>year by month</source>
        <translation>année par mois</translation>
    </message>
    <message>
        <source>year by day</source>
        <translation>année par jour</translation>
    </message>
    <message>
        <source>year, one profile</source>
        <translation>année, un profil</translation>
    </message>
    <message>
        <source>%1, ranges ending %2, ms per figure, best of %3</source>
        <translation>%1, périodes se terminant le %2, ms par indicateur, meilleur de %3</translation>
    </message>
    <message>
        <source>range</source>
        <translation>période</translation>
    </message>
    <message>
        <source>total</source>
        <translation>total</translation>
    </message>
    <message>
        <source>Audit rows to append first (default 1000000; 0: time the rows already there).</source>
        <translation>Lignes d&apos;audit à ajouter d&apos;abord (par défaut 1000000 ; 0 : mesurer les lignes existantes).</translation>
    </message>
    <message>
        <source>Appends audit rows like a decision&apos;s (a recommendation and details each), then times audit verify, best of three, next to the database&apos;s own tool reading the same columns. Writes: use a scratch database.</source>
        <translation>Ajoute des lignes d&apos;audit comme celles d&apos;une décision (une recommandation et des détails chacune), puis chronomètre audit verify, meilleur de trois, à côté de l&apos;outil propre à la base lisant les mêmes colonnes. Écrit : utilisez une base de test.</translation>
    </message>
    <message>
        <source>--rows takes a whole number, 0 or more</source>
        <translation>--rows attend un nombre entier, 0 ou plus</translation>
    </message>
    <message>
        <source>appended %1 of %2</source>
        <translation>%1 sur %2 ajoutées</translation>
    </message>
    <message>
        <source>appended %1 audit rows in %2 s (%3 rows/s)</source>
        <translation>%1 lignes d&apos;audit ajoutées en %2 s (%3 lignes/s)</translation>
    </message>
    <message>
        <source>refundctl bench audit: %1</source>
        <translation>refundctl bench audit : %1</translation>
    </message>
    <message>
        <source>audit verify: %1 rows in %2 ms, %3 rows/s (goal: 1,000,000)</source>
        <translation>audit verify : %1 lignes en %2 ms, %3 lignes/s (objectif : 1 000 000)</translation>
    </message>
    <message>
        <source>%1 reading the same rows: %2 ms</source>
        <translation>%1 lisant les mêmes lignes : %2 ms</translation>
    </message>
    <message>
        <source>(no bare figure: %1)</source>
        <translation>(pas de valeur brute : %1)</translation>
    </message>
    <message>
        <source>Accounts in the file (six events each; default 20000).</source>
        <translation>Comptes dans le fichier (six événements chacun ; par défaut 20000).</translation>
    </message>
    <message>
        <source>Ingests an events file of new accounts, purchases and jobs (one in four failed on the platform&apos;s side), then the same over HTTP through a &apos;refundctl serve&apos; it starts: batches of 1,000 events, and single-event POSTs with their latency. Prints events per second, memory and the targets (200,000/s into SQLite and 50,000/s into PostgreSQL from a file; 50,000/s in batches and 1,000 single POSTs/s with p99 under 20 ms over HTTP). Writes into the database it is given: use a scratch one.</source>
        <translation>Ingère un fichier d&apos;événements de nouveaux comptes, achats et tâches (une sur quatre en échec côté plateforme), puis la même chose par HTTP via un « refundctl serve » qu&apos;il démarre : des lots de 1 000 événements, et des POST unitaires avec leur latence. Affiche les événements par seconde, la mémoire et les objectifs (200 000/s dans SQLite et 50 000/s dans PostgreSQL depuis un fichier ; 50 000/s par lots et 1 000 POST unitaires/s avec un p99 sous 20 ms par HTTP). Écrit dans la base indiquée : utilisez une base de test.</translation>
    </message>
    <message>
        <source>--accounts needs a whole number from 1 to 5000000</source>
        <translation>--accounts attend un nombre entier de 1 à 5000000</translation>
    </message>
    <message>
        <source>ingest into %1</source>
        <translation>ingestion dans %1</translation>
    </message>
    <message>
        <source>cannot write a temporary file: %1</source>
        <translation>impossible d&apos;écrire un fichier temporaire : %1</translation>
    </message>
    <message>
        <source>the bench&apos;s own file was refused: %1</source>
        <translation>le fichier du banc d&apos;essai lui-même a été refusé : %1</translation>
    </message>
    <message>
        <source>file: %1 events in %2 s = %3 events/s (target %4); peak memory +%5 MB for a %6 MB file</source>
        <translation>fichier : %1 événements en %2 s = %3 événements/s (objectif %4) ; pic de mémoire +%5 Mo pour un fichier de %6 Mo</translation>
    </message>
    <message>
        <source>refundctl serve did not start: %1</source>
        <translation>refundctl serve n&apos;a pas démarré : %1</translation>
    </message>
    <message>
        <source>a batch was refused</source>
        <translation>un lot a été refusé</translation>
    </message>
    <message>
        <source>HTTP batches of ~1,000: %1 events in %2 s = %3 events/s (target 50,000)</source>
        <translation>lots HTTP d&apos;environ 1 000 : %1 événements en %2 s = %3 événements/s (objectif 50 000)</translation>
    </message>
    <message>
        <source>a single event was refused</source>
        <translation>un événement unitaire a été refusé</translation>
    </message>
    <message>
        <source>HTTP single events: %1 POSTs/s one at a time, p50 %2 ms, p99 %3 ms (target 1,000/s, p99 under 20 ms)</source>
        <translation>événements HTTP unitaires : %1 POST/s l&apos;un après l&apos;autre, p50 %2 ms, p99 %3 ms (objectif 1 000/s, p99 sous 20 ms)</translation>
    </message>
    <message>
        <source>How many payouts (default 1000).</source>
        <translation>Nombre de versements (par défaut 1000).</translation>
    </message>
    <message>
        <source>Requests waiting at once (default 8).</source>
        <translation>Requêtes en attente simultanées (par défaut 8).</translation>
    </message>
    <message>
        <source>Requests a second at most (default 1000).</source>
        <translation>Requêtes par seconde au plus (par défaut 1000).</translation>
    </message>
    <message>
        <source>Creates payouts on new purchases and sends them through the payouts worker to the configured processor (a local fake, or Stripe&apos;s test mode), then prints the time, the payouts per second and the worker&apos;s own time per payout. Writes into the database: use a scratch one.</source>
        <translation>Crée des versements sur de nouveaux achats et les envoie via le service de versement au prestataire configuré (un simulateur local, ou le mode test de Stripe), puis affiche le temps, les versements par seconde et le temps propre du service par versement. Écrit dans la base : utilisez une base de test.</translation>
    </message>
    <message>
        <source>--count, --in-flight and --rate take positive numbers</source>
        <translation>--count, --in-flight et --rate attendent des nombres positifs</translation>
    </message>
    <message>
        <source>refundctl bench payouts: %1</source>
        <translation>refundctl bench payouts : %1</translation>
    </message>
    <message>
        <source>give the processor: --stripe-key-file and --stripe-api-base (bench/payouts.sh starts the tests&apos; fake)</source>
        <translation>indiquez le prestataire : --stripe-key-file et --stripe-api-base (bench/payouts.sh démarre le simulateur des tests)</translation>
    </message>
    <message>
        <source>%1 payouts created in %2 ms</source>
        <translation>%1 versements créés en %2 ms</translation>
    </message>
    <message>
        <source>%1 payouts through the processor in %2 s with %3 in flight: %4 payouts/s; %5 succeeded, %6 not; the worker&apos;s own time %7 ms per payout (database included)</source>
        <translation>%1 versements via le prestataire en %2 s avec %3 en parallèle : %4 versements/s ; %5 réussis, %6 non ; temps propre du service %7 ms par versement (base comprise)</translation>
    </message>
    <message>
        <source>Exports the ledger (the transactions report) as CSV and prints rows per second and the growth of peak memory, next to sqlite3 -csv or psql \copy writing the same rows. Targets: within 1.1x of sqlite3, 1.2x of psql.</source>
        <translation>Exporte les écritures (le rapport des transactions) en CSV et affiche les lignes par seconde et la hausse du pic de mémoire, à côté de sqlite3 -csv ou psql \copy écrivant les mêmes lignes. Objectifs : 1,1 fois sqlite3, 1,2 fois psql au plus.</translation>
    </message>
    <message>
        <source>Opens each table model of the desk on the database and prints the time to the first rows, to the last row, to re-sort and to filter by account, by status and by the last week, next to the time sqlite3 or psql takes for the same query, as ratios. Target: each within 3x.</source>
        <translation>Ouvre chaque modèle de tableau du bureau sur la base et affiche le temps jusqu&apos;aux premières lignes, jusqu&apos;à la dernière ligne, pour retrier et pour filtrer par compte, par statut et sur la dernière semaine, à côté du temps que mettent sqlite3 ou psql pour la même requête, en rapport. Objectif : chacun dans un facteur 3.</translation>
    </message>
    <message>
        <source>by account</source>
        <translation>par compte</translation>
    </message>
    <message>
        <source>by status</source>
        <translation>par statut</translation>
    </message>
    <message>
        <source>by date</source>
        <translation>par date</translation>
    </message>
</context>
<context>
    <name>BodySource</name>
    <message>
        <source>the body holds no event</source>
        <translation>le corps ne contient aucun événement</translation>
    </message>
    <message>
        <source>the body is not JSON (at offset %1: %2)</source>
        <translation>le corps n&apos;est pas du JSON (à la position %1 : %2)</translation>
    </message>
    <message>
        <source>an application/json body is one array of events</source>
        <translation>un corps application/json est un unique tableau d&apos;événements</translation>
    </message>
</context>
<context>
    <name>BulkInserter</name>
    <message>
        <source>cannot prepare insert into %1: %2</source>
        <translation>impossible de préparer l&apos;insertion dans %1 : %2</translation>
    </message>
    <message>
        <source>%1 into %2 failed: %3</source>
        <translation>échec de %1 dans %2 : %3</translation>
    </message>
    <message>
        <source>copying into %1 failed: %2</source>
        <translation>échec de la copie dans %1 : %2</translation>
    </message>
    <message>
        <source>inserting into %1 failed: %2</source>
        <translation>échec de l&apos;insertion dans %1 : %2</translation>
    </message>
</context>
<context>
    <name>BulkLoadScope</name>
    <message>
        <source>row %1 of %2 refers to a missing row of %3</source>
        <translation>la ligne %1 de %2 renvoie à une ligne manquante de %3</translation>
    </message>
</context>
<context>
    <name>CaseBuilder</name>
    <message>
        <source>no refund request with id %1</source>
        <translation>aucune demande de remboursement avec l&apos;identifiant %1</translation>
    </message>
    <message>
        <source>request %1: account %2 does not exist</source>
        <translation>demande %1 : le compte %2 n&apos;existe pas</translation>
    </message>
    <message>
        <source>request %1: purchase %2 does not exist</source>
        <translation>demande %1 : l&apos;achat %2 n&apos;existe pas</translation>
    </message>
    <message>
        <source>request %1: job %2 does not exist</source>
        <translation>demande %1 : la tâche %2 n&apos;existe pas</translation>
    </message>
    <message>
        <source>request %1: its facts are outside what the policy can weigh (%2)</source>
        <translation>demande %1 : ses faits sortent de ce que la politique peut évaluer (%2)</translation>
    </message>
    <message>
        <source>request %1: a %2 request must name a %3, this one names none</source>
        <translation>demande %1 : une demande de type %2 doit désigner un(e) %3, celle-ci n&apos;en désigne aucun(e)</translation>
    </message>
    <message>
        <source>job</source>
        <translation>tâche</translation>
    </message>
    <message>
        <source>purchase</source>
        <translation>achat</translation>
    </message>
</context>
<context>
    <name>ConnectionBanner</name>
    <message>
        <source>&amp;Retry now</source>
        <translation>&amp;Réessayer maintenant</translation>
    </message>
    <message>
        <source>The database cannot be reached; retrying every few seconds. Nothing you type is lost.
%1</source>
        <translation>La base de données est injoignable ; nouvel essai toutes les quelques secondes. Rien de ce que vous saisissez n&apos;est perdu.
%1</translation>
    </message>
</context>
<context>
    <name>ConnectionDialog</name>
    <message>
        <source>A &amp;file on this computer (SQLite)</source>
        <translation>Un &amp;fichier sur cet ordinateur (SQLite)</translation>
    </message>
    <message>
        <source>A &amp;shared database (PostgreSQL)</source>
        <translation>Une base &amp;partagée (PostgreSQL)</translation>
    </message>
    <message>
        <source>Re&amp;member the password</source>
        <translation>&amp;Mémoriser le mot de passe</translation>
    </message>
    <message>
        <source>Connect to a database</source>
        <translation>Se connecter à une base de données</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Parcourir…</translation>
    </message>
    <message>
        <source>Open or create a database file</source>
        <translation>Ouvrir ou créer un fichier de base de données</translation>
    </message>
    <message>
        <source>Refund Desk databases (*.db *.sqlite);;All files (*)</source>
        <translation>Bases Refund Desk (*.db *.sqlite);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>&amp;Hôte :</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>P&amp;ort :</translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation>&amp;Base :</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Utilisateur :</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Mot de pa&amp;sse :</translation>
    </message>
    <message>
        <source>Prefer encryption (libpq&apos;s default)</source>
        <translation>Préférer le chiffrement (défaut de libpq)</translation>
    </message>
    <message>
        <source>Require encryption</source>
        <translation>Exiger le chiffrement</translation>
    </message>
    <message>
        <source>Require encryption and verify the server (CA file)</source>
        <translation>Exiger le chiffrement et vérifier le serveur (fichier CA)</translation>
    </message>
    <message>
        <source>No encryption</source>
        <translation>Aucun chiffrement</translation>
    </message>
    <message>
        <source>&quot;Require&quot; refuses to connect without TLS; &quot;verify&quot; also checks the server&apos;s certificate against the CA file and its host name.</source>
        <translation>« Exiger » refuse de se connecter sans TLS ; « vérifier » contrôle aussi le certificat du serveur avec le fichier CA et son nom d&apos;hôte.</translation>
    </message>
    <message>
        <source>&amp;Encryption:</source>
        <translation>&amp;Chiffrement :</translation>
    </message>
    <message>
        <source>/etc/ssl/certs/your-team-ca.pem</source>
        <translation>/etc/ssl/certs/ca-de-votre-equipe.pem</translation>
    </message>
    <message>
        <source>&amp;CA file:</source>
        <translation>&amp;Fichier CA :</translation>
    </message>
    <message>
        <source>Your name, recorded with every decision</source>
        <translation>Votre nom, enregistré avec chaque décision</translation>
    </message>
    <message>
        <source>&amp;Reviewer:</source>
        <translation>&amp;Examinateur :</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <source>Enter your name: every decision records who took it.</source>
        <translation>Saisissez votre nom : chaque décision enregistre qui l&apos;a prise.</translation>
    </message>
    <message>
        <source>Create a new database?</source>
        <translation>Créer une nouvelle base ?</translation>
    </message>
    <message>
        <source>There is no database file at
%1

Create a new, empty one there?</source>
        <translation>Il n&apos;y a pas de fichier de base de données à
%1

En créer un nouveau, vide, à cet endroit ?</translation>
    </message>
    <message>
        <source>No database file at %1: check the path, or create one.</source>
        <translation>Aucun fichier de base à %1 : vérifiez le chemin, ou créez-en un.</translation>
    </message>
    <message>
        <source>Password not remembered</source>
        <translation>Mot de passe non mémorisé</translation>
    </message>
    <message>
        <source>The system keychain could not keep the password (%1). It is not remembered: you will be asked for it next time.</source>
        <translation>Le trousseau du système n&apos;a pas pu conserver le mot de passe (%1). Il n&apos;est pas mémorisé : il vous sera demandé la prochaine fois.</translation>
    </message>
</context>
<context>
    <name>CreditLotRepository</name>
    <message>
        <source>account %1 has %2 credits fewer than the %3 to be taken</source>
        <translation>il manque %2 crédits au compte %1 pour les %3 à retirer</translation>
    </message>
</context>
<context>
    <name>CsvExportRunner</name>
    <message>
        <source>Exporting to %1…</source>
        <translation>Export vers %1…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <source>Exporting to %1: %2 rows…</source>
        <translation>Export vers %1 : %2 lignes…</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Échec de l&apos;export</translation>
    </message>
    <message>
        <source>Nothing was written.

%1</source>
        <translation>Rien n&apos;a été écrit.

%1</translation>
    </message>
    <message>
        <source>Export cancelled</source>
        <translation>Export annulé</translation>
    </message>
    <message>
        <source>The export was cancelled; no file was written.</source>
        <translation>L&apos;export a été annulé ; aucun fichier n&apos;a été écrit.</translation>
    </message>
    <message>
        <source>Export finished</source>
        <translation>Export terminé</translation>
    </message>
    <message>
        <source>%1 rows written to %2.</source>
        <translation>%1 lignes écrites dans %2.</translation>
    </message>
</context>
<context>
    <name>CsvExporter</name>
    <message>
        <source>cannot write to standard output: %1</source>
        <translation>impossible d&apos;écrire sur la sortie standard : %1</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>impossible d&apos;écrire %1 : %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>the %1 driver is not supported for exports</source>
        <translation>le pilote %1 n&apos;est pas pris en charge pour les exports</translation>
    </message>
    <message>
        <source>cannot write: %1</source>
        <translation>écriture impossible : %1</translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation>%1 dans %2</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n minute</numerusform>
            <numerusform>%n minutes</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 hours</source>
        <translation>%1 heures</translation>
    </message>
    <message>
        <source>%1 days</source>
        <translation>%1 jours</translation>
    </message>
    <message>
        <source>Nothing in this range</source>
        <translation>Rien sur cette période</translation>
    </message>
    <message>
        <source>Arrow keys choose a bar or point; Enter opens what it counts</source>
        <translation>Les flèches choisissent une barre ou un point ; Entrée ouvre ce qu&apos;il compte</translation>
    </message>
    <message>
        <source>Refunded (%1)</source>
        <translation>Remboursé (%1)</translation>
    </message>
    <message>
        <source>%1 refunded</source>
        <translation>%1 remboursé</translation>
    </message>
    <message>
        <source>%1
Refunded: %2
Click or Enter: the approved requests decided then</source>
        <translation>%1
Remboursé : %2
Clic ou Entrée : les demandes approuvées décidées à cette date</translation>
    </message>
    <message>
        <source>Refunded (each currency)</source>
        <translation>Remboursé (par devise)</translation>
    </message>
    <message>
        <source>%1 credits restored</source>
        <translation>%1 crédits restitués</translation>
    </message>
    <message>
        <source>Credits restored</source>
        <translation>Crédits restitués</translation>
    </message>
    <message>
        <source>%1
Credits restored: %2
Click or Enter: those ledger entries</source>
        <translation>%1
Crédits restitués : %2
Clic ou Entrée : ces écritures</translation>
    </message>
    <message>
        <source>Decided requests</source>
        <translation>Demandes décidées</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Approuvées</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Refusées</translation>
    </message>
    <message>
        <source>%1, %2: %3 of %4
Click or Enter: these requests in the queue</source>
        <translation>%1, %2 : %3 sur %4
Clic ou Entrée : ces demandes dans la file</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>approuvées</translation>
    </message>
    <message>
        <source>denied</source>
        <translation>refusées</translation>
    </message>
    <message>
        <source>%1 decided; most were %2 (%3)</source>
        <translation>%1 décidées ; le plus souvent : %2 (%3)</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>En échec : %1</translation>
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
En échec (%2) : %3 tâches sur %4, %5
Clic ou Entrée : ces tâches</translation>
    </message>
    <message>
        <source>Failure rate (%)</source>
        <translation>Taux d&apos;échec (%)</translation>
    </message>
    <message>
        <source>; %1 in %2, %3 in %4</source>
        <translation> ; %1 en %2, %3 en %4</translation>
    </message>
    <message>
        <source>%1 jobs, failed: %2%3</source>
        <translation>%1 tâches, en échec : %2%3</translation>
    </message>
    <message>
        <source>%1
%2: %3 answer(s)
Click or Enter: these requests</source>
        <translation>%1
%2 : %3 réponse(s)
Clic ou Entrée : ces demandes</translation>
    </message>
    <message>
        <source>Answers</source>
        <translation>Réponses</translation>
    </message>
    <message numerus="yes">
        <source>%Ln answer(s): %1 on time, %2 late</source>
        <translation>
            <numerusform>%Ln réponse : %1 à temps, %2 en retard</numerusform>
            <numerusform>%Ln réponses : %1 à temps, %2 en retard</numerusform>
        </translation>
    </message>
    <message>
        <source>%1
%2: %3 chargeback(s)
Click or Enter: their purchases</source>
        <translation>%1
%2 : %3 rétrofacturation(s)
Clic ou Entrée : leurs achats</translation>
    </message>
    <message>
        <source>Chargebacks</source>
        <translation>Rétrofacturations</translation>
    </message>
    <message>
        <source>Decisions</source>
        <translation>Décisions</translation>
    </message>
    <message>
        <source>Overrides</source>
        <translation>Dérogations</translation>
    </message>
    <message>
        <source>%1: %2 override(s) of %3 decisions, %4
Click or Enter: these requests</source>
        <translation>%1 : %2 dérogation(s) sur %3 décisions, %4
Clic ou Entrée : ces demandes</translation>
    </message>
    <message>
        <source>%1: %2 decision(s)
Click or Enter: these requests</source>
        <translation>%1 : %2 décision(s)
Clic ou Entrée : ces demandes</translation>
    </message>
    <message numerus="yes">
        <source>%n reviewer(s)</source>
        <translation>
            <numerusform>%n examinateur</numerusform>
            <numerusform>%n examinateurs</numerusform>
        </translation>
    </message>
    <message>
        <source>Money refunded and credits restored</source>
        <translation>Argent remboursé et crédits restitués</translation>
    </message>
    <message>
        <source>Decided requests by type and verdict</source>
        <translation>Demandes décidées par type et par verdict</translation>
    </message>
    <message>
        <source>Job failure rate by cause, with credit-backs</source>
        <translation>Taux d&apos;échec des tâches par cause, avec recrédits</translation>
    </message>
    <message>
        <source>Answers on time and late (against the policy&apos;s answer date)</source>
        <translation>Réponses à temps et en retard (par rapport à la date de réponse de la politique)</translation>
    </message>
    <message>
        <source>Chargebacks opened per month</source>
        <translation>Rétrofacturations ouvertes par mois</translation>
    </message>
    <message>
        <source>Decisions per reviewer, with overrides</source>
        <translation>Décisions par examinateur, avec dérogations</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>30 derniers jours</translation>
    </message>
    <message>
        <source>Last month</source>
        <translation>Mois dernier</translation>
    </message>
    <message>
        <source>Last quarter (3 months)</source>
        <translation>Dernier trimestre (3 mois)</translation>
    </message>
    <message>
        <source>Last 12 months</source>
        <translation>12 derniers mois</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>Période personnalisée</translation>
    </message>
    <message>
        <source>The days the figures cover (UTC days)</source>
        <translation>Les jours couverts par les chiffres (jours UTC)</translation>
    </message>
    <message>
        <source>From this UTC day</source>
        <translation>À partir de ce jour UTC</translation>
    </message>
    <message>
        <source>To this UTC day, inclusive</source>
        <translation>Jusqu&apos;à ce jour UTC inclus</translation>
    </message>
    <message>
        <source>All profiles</source>
        <translation>Tous les profils</translation>
    </message>
    <message>
        <source>Policy profile</source>
        <translation>Profil de politique</translation>
    </message>
    <message>
        <source>By day</source>
        <translation>Par jour</translation>
    </message>
    <message>
        <source>By week</source>
        <translation>Par semaine</translation>
    </message>
    <message>
        <source>By month</source>
        <translation>Par mois</translation>
    </message>
    <message>
        <source>How the charts over time group the days</source>
        <translation>Comment les graphiques dans le temps regroupent les jours</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>Compute the figures again (F5)</source>
        <translation>Recalculer les chiffres (F5)</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>Imprimer…</translation>
    </message>
    <message>
        <source>Print the whole dashboard</source>
        <translation>Imprimer tout le tableau de bord</translation>
    </message>
    <message>
        <source>&amp;Period</source>
        <translation>&amp;Période</translation>
    </message>
    <message>
        <source>to</source>
        <translation>au</translation>
    </message>
    <message>
        <source>Money refunded</source>
        <translation>Argent remboursé</translation>
    </message>
    <message>
        <source>Credits restored for failed jobs</source>
        <translation>Crédits restitués pour les tâches en échec</translation>
    </message>
    <message>
        <source>Requests open now</source>
        <translation>Demandes ouvertes en ce moment</translation>
    </message>
    <message>
        <source>Median time to decision</source>
        <translation>Délai médian jusqu&apos;à la décision</translation>
    </message>
    <message>
        <source>Override rate</source>
        <translation>Taux de dérogation</translation>
    </message>
    <message>
        <source>Payouts not paid back yet</source>
        <translation>Versements pas encore remboursés</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Enregistrer…</translation>
    </message>
    <message>
        <source>Save this chart as PNG or PDF</source>
        <translation>Enregistrer ce graphique en PNG ou PDF</translation>
    </message>
    <message>
        <source>Save as &amp;PNG…</source>
        <translation>Enregistrer en &amp;PNG…</translation>
    </message>
    <message>
        <source>Save as P&amp;DF…</source>
        <translation>Enregistrer en P&amp;DF…</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>Calcul en cours…</translation>
    </message>
    <message>
        <source>Could not compute the figures.</source>
        <translation>Impossible de calculer les chiffres.</translation>
    </message>
    <message>
        <source>Updated %1 in %2 s</source>
        <translation>Mis à jour %1 en %2 s</translation>
    </message>
    <message>
        <source>%1 of %2 revenue</source>
        <translation>%1 sur %2 de chiffre d&apos;affaires</translation>
    </message>
    <message>
        <source>no %1 revenue in the range</source>
        <translation>aucun chiffre d&apos;affaires en %1 sur la période</translation>
    </message>
    <message>
        <source>Nothing</source>
        <translation>Rien</translation>
    </message>
    <message>
        <source>credits given back automatically</source>
        <translation>crédits rendus automatiquement</translation>
    </message>
    <message numerus="yes">
        <source>%Ln overdue</source>
        <translation>
            <numerusform>%Ln en retard</numerusform>
            <numerusform>%Ln en retard</numerusform>
        </translation>
    </message>
    <message>
        <source>No decisions</source>
        <translation>Aucune décision</translation>
    </message>
    <message numerus="yes">
        <source>from request to decision, over %Ln decision(s)</source>
        <translation>
            <numerusform>de la demande à la décision, sur %Ln décision</numerusform>
            <numerusform>de la demande à la décision, sur %Ln décisions</numerusform>
        </translation>
    </message>
    <message>
        <source>None</source>
        <translation>Aucun</translation>
    </message>
    <message>
        <source>%1 pending, %2 sent, %3 unknown, %4 failed</source>
        <translation>%1 en attente, %2 envoyés, %3 inconnus, %4 en échec</translation>
    </message>
    <message>
        <source>%1 of %2 decisions went against the recommendation</source>
        <translation>%1 décisions sur %2 sont allées contre la recommandation</translation>
    </message>
    <message>
        <source>week of %1</source>
        <translation>semaine du %1</translation>
    </message>
    <message>
        <source>%1: choose a file ending in .png or .pdf</source>
        <translation>%1 : choisissez un fichier se terminant par .png ou .pdf</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>Impossible d&apos;écrire %1 : %2</translation>
    </message>
    <message>
        <source>Refund Desk</source>
        <translation>Refund Desk</translation>
    </message>
    <message>
        <source>the image could not be encoded</source>
        <translation>l&apos;image n&apos;a pas pu être encodée</translation>
    </message>
    <message>
        <source>Save chart</source>
        <translation>Enregistrer le graphique</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>Images PNG (*.png)</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>Documents PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Chart not saved</source>
        <translation>Graphique non enregistré</translation>
    </message>
    <message>
        <source>Refund Desk dashboard, %1 to %2 (UTC), %3</source>
        <translation>Tableau de bord Refund Desk, du %1 au %2 (UTC), %3</translation>
    </message>
    <message>
        <source>Refund Desk dashboard</source>
        <translation>Tableau de bord Refund Desk</translation>
    </message>
    <message>
        <source>Print the dashboard</source>
        <translation>Imprimer le tableau de bord</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
</context>
<context>
    <name>Data</name>
    <message>
        <source>is required</source>
        <translation>est requis</translation>
    </message>
    <message>
        <source>must be a string</source>
        <translation>doit être une chaîne</translation>
    </message>
    <message>
        <source>must not be empty</source>
        <translation>ne doit pas être vide</translation>
    </message>
    <message>
        <source>is longer than %1 characters</source>
        <translation>dépasse %1 caractères</translation>
    </message>
    <message>
        <source>must be a whole number</source>
        <translation>doit être un nombre entier</translation>
    </message>
    <message>
        <source>must be a whole number, not %1</source>
        <translation>doit être un nombre entier, pas %1</translation>
    </message>
    <message>
        <source>must be a whole number from %1 to %2, not %3</source>
        <translation>doit être un nombre entier de %1 à %2, pas %3</translation>
    </message>
    <message>
        <source>must be true or false</source>
        <translation>doit être true ou false</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an RFC 3339 time such as 2026-03-05T10:00:00Z</source>
        <translation>« %1 » n&apos;est pas une heure RFC 3339 comme 2026-03-05T10:00:00Z</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not one of %2</source>
        <translation>« %1 » n&apos;est pas l&apos;une des valeurs %2</translation>
    </message>
</context>
<context>
    <name>Database</name>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>invalid database URL &quot;%1&quot;: %2</source>
        <translation>URL de base de données invalide « %1 » : %2</translation>
    </message>
    <message>
        <source>the Qt SQL driver %1 is not installed (Debian package %2)</source>
        <translation>le pilote SQL Qt %1 n&apos;est pas installé (paquet Debian %2)</translation>
    </message>
    <message>
        <source>the folder %1 does not exist</source>
        <translation>le dossier %1 n&apos;existe pas</translation>
    </message>
    <message>
        <source>cannot connect: %1</source>
        <translation>connexion impossible : %1</translation>
    </message>
    <message>
        <source>cannot use the database: %1</source>
        <translation>impossible d&apos;utiliser la base : %1</translation>
    </message>
    <message>
        <source>the database has schema version %1, newer than this program knows (%2); use a newer Refund Desk</source>
        <translation>la base a la version de schéma %1, plus récente que celle que ce programme connaît (%2) ; utilisez un Refund Desk plus récent</translation>
    </message>
    <message>
        <source>the file is read-only and has schema version %1, older than this program&apos;s %2; open it once where it may be written to upgrade it</source>
        <translation>le fichier est en lecture seule et a la version de schéma %1, plus ancienne que la %2 de ce programme ; ouvrez-le une fois là où il peut être écrit pour le mettre à niveau</translation>
    </message>
    <message>
        <source>upgrading the schema to version %1 failed, nothing was changed: %2</source>
        <translation>la mise à niveau du schéma vers la version %1 a échoué, rien n&apos;a été modifié : %2</translation>
    </message>
</context>
<context>
    <name>DatabaseCommands</name>
    <message>
        <source>Creates the database schema, or upgrades it to the latest version; on PostgreSQL, with a login that may create roles, also the team&apos;s roles and what each may do. Safe to run again.</source>
        <translation>Crée le schéma de la base, ou le met à niveau vers la dernière version ; sur PostgreSQL, avec un identifiant autorisé à créer des rôles, crée aussi les rôles de l&apos;équipe et leurs droits. Peut être relancé sans risque.</translation>
    </message>
    <message>
        <source>%1: schema is up to date (version %2)</source>
        <translation>%1 : le schéma est à jour (version %2)</translation>
    </message>
    <message>
        <source>%1: schema upgraded from version %2 to %3</source>
        <translation>%1 : schéma mis à niveau de la version %2 à la %3</translation>
    </message>
    <message>
        <source>Number of accounts to create (default 200).</source>
        <translation>Nombre de comptes à créer (par défaut 200).</translation>
    </message>
    <message>
        <source>Random seed: the same seed gives the same data (default 1).</source>
        <translation>Graine aléatoire : la même graine donne les mêmes données (par défaut 1).</translation>
    </message>
    <message>
        <source>Last day (YYYY-MM-DD, UTC) of the 12 months the data covers (default today).</source>
        <translation>Dernier jour (AAAA-MM-JJ, UTC) des 12 mois couverts par les données (par défaut aujourd&apos;hui).</translation>
    </message>
    <message>
        <source>Print no progress.</source>
        <translation>N&apos;afficher aucune progression.</translation>
    </message>
    <message>
        <source>Write the demo&apos;s accounts, purchases, jobs, outages, requests and chargebacks as an NDJSON events file for &apos;refundctl ingest&apos; instead of into the database.</source>
        <translation>Écrire les comptes, achats, tâches, pannes, demandes et rétrofacturations de la démo dans un fichier d&apos;événements NDJSON pour « refundctl ingest » au lieu de la base.</translation>
    </message>
    <message>
        <source>Fills the database with realistic, reproducible demo data: accounts on all five policy profiles, purchases, jobs, credit-backs, refund requests, chargebacks and outages.</source>
        <translation>Remplit la base avec des données de démonstration réalistes et reproductibles : des comptes sur les cinq profils de politique, des achats, des tâches, des recrédits, des demandes de remboursement, des rétrofacturations et des pannes.</translation>
    </message>
    <message>
        <source>--accounts needs a whole number from 0 to 10000000, not &apos;%1&apos;</source>
        <translation>--accounts attend un nombre entier de 0 à 10000000, pas « %1 »</translation>
    </message>
    <message>
        <source>--seed needs a non-negative whole number, not &apos;%1&apos;</source>
        <translation>--seed attend un nombre entier positif ou nul, pas « %1 »</translation>
    </message>
    <message>
        <source>--until needs a date as YYYY-MM-DD, not &apos;%1&apos;</source>
        <translation>--until attend une date au format AAAA-MM-JJ, pas « %1 »</translation>
    </message>
    <message>
        <source>accounts: %1 / %2</source>
        <translation>comptes : %1 / %2</translation>
    </message>
    <message>
        <source>, indexing and committing…</source>
        <translation>, indexation et validation…</translation>
    </message>
    <message>
        <source>%1 rows (%2 accounts, %3 ledger entries, %4 refund requests) in %5 s: %6 rows/s into %7</source>
        <translation>%1 lignes (%2 comptes, %3 écritures, %4 demandes de remboursement) en %5 s : %6 lignes/s dans %7</translation>
    </message>
    <message>
        <source>Prints counts of the database as one JSON object.</source>
        <translation>Affiche les comptages de la base sous forme d&apos;un objet JSON.</translation>
    </message>
    <message>
        <source>Usage: refundctl rollups rebuild
       refundctl rollups check
The dashboard reads small tables of sums per day (rollups) that the database keeps with every write. rebuild counts them all again from the facts, in one transaction (writers wait; readers do not); check compares each with a count of its facts and exits 1 when one differs. refundctl check does the same among its checks.
</source>
        <translation>Usage : refundctl rollups rebuild
        refundctl rollups check
Le tableau de bord lit de petites tables de sommes par jour (agrégats) que la base tient à jour à chaque écriture. rebuild les recompte toutes à partir des faits, en une transaction (les écritures attendent, pas les lectures) ; check compare chacune à un comptage de ses faits et sort avec 1 si l’une diffère. refundctl check fait de même parmi ses contrôles.
</translation>
    </message>
    <message>
        <source>say rebuild or check</source>
        <translation>indiquez rebuild ou check</translation>
    </message>
    <message>
        <source>unknown action &apos;%1&apos;; say rebuild or check</source>
        <translation>action inconnue « %1 » ; indiquez rebuild ou check</translation>
    </message>
    <message>
        <source>The dashboard&apos;s rollups.</source>
        <translation>Les agrégats du tableau de bord.</translation>
    </message>
    <message>
        <source>%1: %2 groups, counted in %3 ms</source>
        <translation>%1 : %2 groupes, comptés en %3 ms</translation>
    </message>
    <message>
        <source>%1: agrees with the facts (%2 ms)</source>
        <translation>%1 : concorde avec les faits (%2 ms)</translation>
    </message>
</context>
<context>
    <name>DatabaseUrl</name>
    <message>
        <source>the database URL is empty</source>
        <translation>l&apos;URL de la base est vide</translation>
    </message>
    <message>
        <source>a sqlite: URL needs a file path, e.g. sqlite:/home/me/refunds.db</source>
        <translation>une URL sqlite: demande un chemin de fichier, p. ex. sqlite:/home/moi/remboursements.db</translation>
    </message>
    <message>
        <source>a PostgreSQL URL looks like postgresql://user[:password]@host[:port]/dbname</source>
        <translation>une URL PostgreSQL a la forme postgresql://utilisateur[:motdepasse]@hote[:port]/nombase</translation>
    </message>
    <message>
        <source>the PostgreSQL URL names no database (…/dbname)</source>
        <translation>l&apos;URL PostgreSQL ne désigne aucune base (…/nombase)</translation>
    </message>
    <message>
        <source>sslmode must be one of %1, not &quot;%2&quot;</source>
        <translation>sslmode doit être l&apos;une des valeurs %1, pas « %2 »</translation>
    </message>
    <message>
        <source>unknown parameter &quot;%1&quot; in the PostgreSQL URL (known: sslmode, sslrootcert)</source>
        <translation>paramètre inconnu « %1 » dans l&apos;URL PostgreSQL (connus : sslmode, sslrootcert)</translation>
    </message>
    <message>
        <source>unknown database URL scheme; use sqlite:/path/file.db or postgresql://user@host[:port]/dbname</source>
        <translation>schéma d&apos;URL de base inconnu ; utilisez sqlite:/chemin/fichier.db ou postgresql://utilisateur@hote[:port]/nombase</translation>
    </message>
    <message>
        <source>host, user and database name are required</source>
        <translation>l&apos;hôte, l&apos;utilisateur et le nom de la base sont requis</translation>
    </message>
</context>
<context>
    <name>DeadlineDelegate</name>
    <message>
        <source>%1 overdue</source>
        <translation>%1 en retard</translation>
    </message>
    <message>
        <source>%1 today</source>
        <translation>%1 aujourd&apos;hui</translation>
    </message>
</context>
<context>
    <name>DecisionDialog</name>
    <message>
        <source>Approve</source>
        <translation>Approuver</translation>
    </message>
    <message>
        <source>Approve request %1</source>
        <translation>Approuver la demande %1</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>Refuser</translation>
    </message>
    <message>
        <source>Deny request %1</source>
        <translation>Refuser la demande %1</translation>
    </message>
    <message>
        <source>Escalate</source>
        <translation>Escalader</translation>
    </message>
    <message>
        <source>Escalate request %1</source>
        <translation>Escalader la demande %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; for %2 &amp;lt;%3&amp;gt;.&lt;br&gt;The policy recommends: &lt;span style=&apos;background-color:%4; color:white&apos;&gt;&amp;nbsp;%5&amp;nbsp;&lt;/span&gt; %6</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; pour %2 &amp;lt;%3&amp;gt;.&lt;br&gt;La politique recommande : &lt;span style=&apos;background-color:%4; color:white&apos;&gt;&amp;nbsp;%5&amp;nbsp;&lt;/span&gt; %6</translation>
    </message>
    <message>
        <source>&lt;b&gt;Already compensated: this cannot be approved.&lt;/b&gt; </source>
        <translation>&lt;b&gt;Déjà indemnisé : ceci ne peut pas être approuvé.&lt;/b&gt; </translation>
    </message>
    <message>
        <source>Purchase %1 already got: %2.</source>
        <translation>L&apos;achat %1 a déjà reçu : %2.</translation>
    </message>
    <message>
        <source>&lt;b&gt;This is an override.&lt;/b&gt; The policy recommends %1 (%2). Deciding otherwise needs a note saying why; it is recorded with your name.</source>
        <translation>&lt;b&gt;Ceci est une dérogation.&lt;/b&gt; La politique recommande %1 (%2). Décider autrement exige une note expliquant pourquoi ; elle est enregistrée avec votre nom.</translation>
    </message>
    <message>
        <source>Choose the clause that applies…</source>
        <translation>Choisissez la clause qui s&apos;applique…</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Motif :</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>Deny the request instead (D).</source>
        <translation>Refusez plutôt la demande (D).</translation>
    </message>
    <message>
        <source>Why? (required for an override)</source>
        <translation>Pourquoi ? (obligatoire pour une dérogation)</translation>
    </message>
    <message>
        <source>Internal note (optional)</source>
        <translation>Note interne (facultative)</translation>
    </message>
    <message>
        <source>What should the next reviewer look at?</source>
        <translation>Sur quoi le prochain examinateur doit-il se pencher ?</translation>
    </message>
    <message>
        <source>&amp;Note:</source>
        <translation>&amp;Note :</translation>
    </message>
    <message>
        <source>Ctrl+Enter confirms, Esc cancels. This cannot be undone.</source>
        <translation>Ctrl+Entrée confirme, Échap annule. Cette action est irréversible.</translation>
    </message>
    <message>
        <source>Ctrl+Enter confirms, Esc cancels.</source>
        <translation>Ctrl+Entrée confirme, Échap annule.</translation>
    </message>
    <message>
        <source>The purchase already received this remedy, or all it paid or delivered: deny the request instead.</source>
        <translation>L&apos;achat a déjà reçu ce remède, ou tout ce qu&apos;il a payé ou livré : refusez plutôt la demande.</translation>
    </message>
    <message>
        <source>Outcome:</source>
        <translation>Issue :</translation>
    </message>
    <message>
        <source>The chargeback is recorded as lost: the bank keeps the reversal. No amount is paid by us.</source>
        <translation>La rétrofacturation est enregistrée comme perdue : la banque conserve l&apos;annulation. Nous ne versons aucun montant.</translation>
    </message>
    <message>
        <source>Remedy:</source>
        <translation>Remède :</translation>
    </message>
    <message numerus="yes">
        <source>Restore %n credit(s) to the account</source>
        <translation>
            <numerusform>Restituer %n crédit au compte</numerusform>
            <numerusform>Restituer %n crédits au compte</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to refund: no purchase is named.</source>
        <translation>Rien à rembourser : aucun achat n&apos;est désigné.</translation>
    </message>
    <message>
        <source>Amount to refund</source>
        <translation>Montant à rembourser</translation>
    </message>
    <message>
        <source>Money refund of up to %1 (recommended); it may be lowered, never raised.</source>
        <translation>Remboursement en argent jusqu&apos;à %1 (recommandé) ; il peut être réduit, jamais augmenté.</translation>
    </message>
    <message>
        <source>The policy names no amount. At most %1 is still refundable on purchase %2.</source>
        <translation>La politique n&apos;indique aucun montant. Au plus %1 reste remboursable sur l&apos;achat %2.</translation>
    </message>
    <message>
        <source>&amp;Amount (%1):</source>
        <translation>&amp;Montant (%1) :</translation>
    </message>
    <message>
        <source>The %1 credits left of this purchase are taken back from the balance.</source>
        <translation>Les %1 crédits restants de cet achat sont repris sur le solde.</translation>
    </message>
    <message>
        <source>No credits of this purchase are left to take back.</source>
        <translation>Il ne reste aucun crédit de cet achat à reprendre.</translation>
    </message>
    <message>
        <source>%1 of its %2 credits were already spent (or taken back) and stay so: the customer keeps what they were used for.</source>
        <translation>%1 de ses %2 crédits ont déjà été dépensés (ou repris) et le restent : le client garde ce pour quoi ils ont servi.</translation>
    </message>
    <message>
        <source>Credits:</source>
        <translation>Crédits :</translation>
    </message>
    <message>
        <source>The purchase&apos;s credits stay: only the extra charge goes back.</source>
        <translation>Les crédits de l&apos;achat restent : seul le montant facturé en trop est rendu.</translation>
    </message>
    <message>
        <source>This purchase was already compensated: the request can only be denied.</source>
        <translation>Cet achat a déjà été indemnisé : la demande ne peut qu&apos;être refusée.</translation>
    </message>
    <message>
        <source>An override needs a note saying why.</source>
        <translation>Une dérogation exige une note expliquant pourquoi.</translation>
    </message>
    <message>
        <source>A denial needs a reason: choose a clause or write one.</source>
        <translation>Un refus exige un motif : choisissez une clause ou rédigez-en un.</translation>
    </message>
    <message>
        <source>Enter the amount to refund, e.g. 12.50.</source>
        <translation>Saisissez le montant à rembourser, p. ex. 12,50.</translation>
    </message>
    <message>
        <source>%1 is more than the %2 allowed here.</source>
        <translation>%1 dépasse les %2 autorisés ici.</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Non enregistré : %1</translation>
    </message>
</context>
<context>
    <name>DeskSettings</name>
    <message>
        <source>no setting &quot;%1&quot;; the settings are: %2</source>
        <translation>aucun réglage « %1 » ; les réglages sont : %2</translation>
    </message>
    <message>
        <source>%1 is a whole number of cents, 0 or more, not &quot;%2&quot;</source>
        <translation>%1 est un nombre entier de centimes, 0 ou plus, pas « %2 »</translation>
    </message>
</context>
<context>
    <name>DisplayNames</name>
    <message>
        <source>Failed job</source>
        <translation>Tâche en échec</translation>
    </message>
    <message>
        <source>Unused credits</source>
        <translation>Crédits inutilisés</translation>
    </message>
    <message>
        <source>Accidental purchase</source>
        <translation>Achat accidentel</translation>
    </message>
    <message>
        <source>Duplicate charge</source>
        <translation>Double prélèvement</translation>
    </message>
    <message>
        <source>Billing error</source>
        <translation>Erreur de facturation</translation>
    </message>
    <message>
        <source>Not delivered</source>
        <translation>Non livré</translation>
    </message>
    <message>
        <source>Outage</source>
        <translation>Panne</translation>
    </message>
    <message>
        <source>Dissatisfied</source>
        <translation>Insatisfait</translation>
    </message>
    <message>
        <source>Subscription</source>
        <translation>Abonnement</translation>
    </message>
    <message>
        <source>Legal</source>
        <translation>Juridique</translation>
    </message>
    <message>
        <source>Chargeback</source>
        <translation>Rétrofacturation</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Nouvelle</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>En attente</translation>
    </message>
    <message>
        <source>Escalated</source>
        <translation>Escaladée</translation>
    </message>
    <message>
        <source>Waiting for second approval</source>
        <translation>En attente de seconde approbation</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Approuvée</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Refusée</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Actif</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>Suspendu</translation>
    </message>
    <message>
        <source>Terminated</source>
        <translation>Résilié</translation>
    </message>
    <message>
        <source>Pending: not sent yet</source>
        <translation>En attente : pas encore envoyé</translation>
    </message>
    <message>
        <source>Sent: the processor is paying it back</source>
        <translation>Envoyé : le prestataire rembourse</translation>
    </message>
    <message>
        <source>Paid back</source>
        <translation>Remboursé</translation>
    </message>
    <message>
        <source>Failed: nothing was paid back</source>
        <translation>En échec : rien n&apos;a été remboursé</translation>
    </message>
    <message>
        <source>Unknown: being reconciled</source>
        <translation>Inconnu : en cours de rapprochement</translation>
    </message>
    <message>
        <source>Purchase</source>
        <translation>Achat</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>Consommation</translation>
    </message>
    <message>
        <source>Job credit-back</source>
        <translation>Recrédit de tâche</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>Remboursement</translation>
    </message>
    <message>
        <source>Clawback</source>
        <translation>Reprise</translation>
    </message>
    <message>
        <source>Forfeiture</source>
        <translation>Déchéance</translation>
    </message>
    <message>
        <source>Adjustment</source>
        <translation>Ajustement</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>En file</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>En cours</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>Succès</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Envoyé</translation>
    </message>
    <message>
        <source>Needs attention (failed, unknown)</source>
        <translation>À traiter (en échec, inconnus)</translation>
    </message>
    <message>
        <source>viewer</source>
        <translation>lecteur</translation>
    </message>
    <message>
        <source>reviewer</source>
        <translation>examinateur</translation>
    </message>
    <message>
        <source>lead</source>
        <translation>responsable</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>administrateur</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>En échec</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>Plateforme</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Inconnu</translation>
    </message>
    <message>
        <source>Disputed</source>
        <translation>Contesté</translation>
    </message>
    <message>
        <source>Charged twice</source>
        <translation>Débité deux fois</translation>
    </message>
    <message>
        <source>Chargeback open (opened in dates)</source>
        <translation>Rétrofacturation ouverte (ouverte sur la période)</translation>
    </message>
    <message>
        <source>Chargeback won (opened in dates)</source>
        <translation>Rétrofacturation gagnée (ouverte sur la période)</translation>
    </message>
    <message>
        <source>Chargeback lost (opened in dates)</source>
        <translation>Rétrofacturation perdue (ouverte sur la période)</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouverte</translation>
    </message>
    <message>
        <source>Won</source>
        <translation>Gagnée</translation>
    </message>
    <message>
        <source>Lost</source>
        <translation>Perdue</translation>
    </message>
    <message>
        <source>On time</source>
        <translation>À temps</translation>
    </message>
    <message>
        <source>Late</source>
        <translation>En retard</translation>
    </message>
    <message>
        <source>Money refund</source>
        <translation>Remboursement en argent</translation>
    </message>
    <message>
        <source>Credits restored</source>
        <translation>Crédits restitués</translation>
    </message>
    <message>
        <source>Nothing</source>
        <translation>Rien</translation>
    </message>
    <message>
        <source>Triaged</source>
        <translation>Pré-examinée</translation>
    </message>
    <message>
        <source>First approval, waiting for a second</source>
        <translation>Première approbation, en attente d&apos;une seconde</translation>
    </message>
    <message>
        <source>Sent back</source>
        <translation>Renvoyée</translation>
    </message>
    <message>
        <source>Decision reversed</source>
        <translation>Décision annulée</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>Attribuée</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Chargeback opened</source>
        <translation>Rétrofacturation ouverte</translation>
    </message>
    <message>
        <source>Credited back</source>
        <translation>Recréditée</translation>
    </message>
    <message>
        <source>Payout sent</source>
        <translation>Versement envoyé</translation>
    </message>
    <message>
        <source>Payout accepted by the processor</source>
        <translation>Versement accepté par le prestataire</translation>
    </message>
    <message>
        <source>Payout paid back</source>
        <translation>Versement remboursé</translation>
    </message>
    <message>
        <source>Payout failed</source>
        <translation>Versement en échec</translation>
    </message>
    <message>
        <source>Payout outcome unknown</source>
        <translation>Issue du versement inconnue</translation>
    </message>
    <message>
        <source>Payout retried</source>
        <translation>Versement relancé</translation>
    </message>
    <message>
        <source>%1 refunded by request %2 (%3)</source>
        <translation>%1 remboursé par la demande %2 (%3)</translation>
    </message>
    <message>
        <source>%1 credits restored by request %2 (%3)</source>
        <translation>%1 crédits restitués par la demande %2 (%3)</translation>
    </message>
    <message>
        <source>%1 charged back by the bank</source>
        <translation>%1 rétrofacturé par la banque</translation>
    </message>
</context>
<context>
    <name>ExportCommands</name>
    <message>
        <source>List the reports.</source>
        <translation>Lister les rapports.</translation>
    </message>
    <message>
        <source>First day (YYYY-MM-DD, UTC) to include.</source>
        <translation>Premier jour (AAAA-MM-JJ, UTC) à inclure.</translation>
    </message>
    <message>
        <source>Last day (YYYY-MM-DD, UTC) to include.</source>
        <translation>Dernier jour (AAAA-MM-JJ, UTC) à inclure.</translation>
    </message>
    <message>
        <source>Only accounts on this policy profile.</source>
        <translation>Seulement les comptes sur ce profil de politique.</translation>
    </message>
    <message>
        <source>Where to write the CSV; - (the default) for standard output. A file appears only when complete.</source>
        <translation>Où écrire le CSV ; - (par défaut) pour la sortie standard. Un fichier n&apos;apparaît qu&apos;une fois complet.</translation>
    </message>
    <message>
        <source>Start with a UTF-8 byte order mark (for Excel).</source>
        <translation>Commencer par une marque d&apos;ordre des octets UTF-8 (pour Excel).</translation>
    </message>
    <message>
        <source>The report to export.</source>
        <translation>Le rapport à exporter.</translation>
    </message>
    <message>
        <source>Exports a report as CSV (RFC 4180, UTF-8, times in ISO 8601 UTC, money as exact decimals with a currency column; text a spreadsheet would run as a formula is neutralised).</source>
        <translation>Exporte un rapport en CSV (RFC 4180, UTF-8, heures en ISO 8601 UTC, montants en décimales exactes avec une colonne de devise ; le texte qu&apos;un tableur exécuterait comme une formule est neutralisé).</translation>
    </message>
    <message>
        <source>name one report (refundctl export --list shows them)</source>
        <translation>indiquez un rapport (refundctl export --list les affiche)</translation>
    </message>
    <message>
        <source>--%1 wants a date like 2026-11-01, not &apos;%2&apos;</source>
        <translation>--%1 attend une date comme 2026-11-01, pas « %2 »</translation>
    </message>
    <message>
        <source>--to is before --from</source>
        <translation>--to est antérieur à --from</translation>
    </message>
    <message>
        <source>unknown report &apos;%1&apos; (refundctl export --list shows them)</source>
        <translation>rapport inconnu « %1 » (refundctl export --list les affiche)</translation>
    </message>
    <message>
        <source>rows: %1</source>
        <translation>lignes : %1</translation>
    </message>
    <message>
        <source>refundctl export: %1</source>
        <translation>refundctl export : %1</translation>
    </message>
    <message>
        <source>%1 rows to %2 in %3 s (%4 rows/s)</source>
        <translation>%1 lignes vers %2 en %3 s (%4 lignes/s)</translation>
    </message>
</context>
<context>
    <name>IntakeCommands</name>
    <message>
        <source>Check every event against the database; write nothing.</source>
        <translation>Vérifier chaque événement par rapport à la base ; ne rien écrire.</translation>
    </message>
    <message>
        <source>Print the result as one JSON object.</source>
        <translation>Afficher le résultat sous forme d&apos;un objet JSON.</translation>
    </message>
    <message>
        <source>Print no progress.</source>
        <translation>N&apos;afficher aucune progression.</translation>
    </message>
    <message>
        <source>Events as NDJSON, one per line; - reads standard input.</source>
        <translation>Événements en NDJSON, un par ligne ; - lit l&apos;entrée standard.</translation>
    </message>
    <message>
        <source>Applies the platform&apos;s events (accounts, purchases, jobs, outages, refund requests, chargebacks; INTEGRATION.md): the whole file in one transaction or nothing, each event once by its id. Prints &apos;N applied, M duplicates&apos;; on a problem, one line each on stderr (at most 20), nothing written, exit 2.</source>
        <translation>Applique les événements de la plateforme (comptes, achats, tâches, pannes, demandes de remboursement, rétrofacturations ; INTEGRATION.md) : tout le fichier en une transaction ou rien, chaque événement une seule fois selon son identifiant. Affiche « N appliqués, M doublons » ; en cas de problème, une ligne chacun sur stderr (20 au plus), rien d&apos;écrit, code de sortie 2.</translation>
    </message>
    <message>
        <source>give one events file (or - for standard input)</source>
        <translation>indiquez un fichier d&apos;événements (ou - pour l&apos;entrée standard)</translation>
    </message>
    <message>
        <source>%1: cannot read: %2</source>
        <translation>%1 : lecture impossible : %2</translation>
    </message>
    <message>
        <source>%1 events read…</source>
        <translation>%1 événements lus…</translation>
    </message>
    <message>
        <source>... and %1 more problems</source>
        <translation>… et %1 autres problèmes</translation>
    </message>
    <message>
        <source>%1: nothing was written (%2 of %3 events refused)</source>
        <translation>%1 : rien n&apos;a été écrit (%2 événements sur %3 refusés)</translation>
    </message>
    <message>
        <source>%1 would be applied, %2 duplicates (dry run: nothing written)</source>
        <translation>%1 seraient appliqués, %2 doublons (essai à blanc : rien d&apos;écrit)</translation>
    </message>
    <message>
        <source>%1 applied, %2 duplicates</source>
        <translation>%1 appliqués, %2 doublons</translation>
    </message>
    <message>
        <source>%1 events in %2 s: %3 events/s</source>
        <translation>%1 événements en %2 s : %3 événements/s</translation>
    </message>
    <message>
        <source>Only events after this sequence number (default 0).</source>
        <translation>Seulement les événements après ce numéro de séquence (par défaut 0).</translation>
    </message>
    <message>
        <source>At most this many events (default 500, at most 5000).</source>
        <translation>Au plus ce nombre d&apos;événements (par défaut 500, au plus 5000).</translation>
    </message>
    <message>
        <source>Prints, as NDJSON in commit order, what the platform must mirror of the desk&apos;s changes: credits restored and revoked, account suspensions, decisions with their reply, refunds on their way.</source>
        <translation>Affiche, en NDJSON dans l&apos;ordre de validation, ce que la plateforme doit reproduire des changements du bureau : crédits restitués et retirés, suspensions de compte, décisions avec leur réponse, remboursements en cours.</translation>
    </message>
    <message>
        <source>--after needs a sequence number, not &apos;%1&apos;</source>
        <translation>--after attend un numéro de séquence, pas « %1 »</translation>
    </message>
    <message>
        <source>--limit needs a whole number from 1 to 5000, not &apos;%1&apos;</source>
        <translation>--limit attend un nombre entier de 1 à 5000, pas « %1 »</translation>
    </message>
</context>
<context>
    <name>IntakeError</name>
    <message>
        <source>line %1</source>
        <translation>ligne %1</translation>
    </message>
</context>
<context>
    <name>IntakeProblems</name>
    <message>
        <source>unknown %1 &quot;%2&quot; (send %3 first)</source>
        <translation>%1 inconnu(e) « %2 » (envoyez d&apos;abord %3)</translation>
    </message>
    <message>
        <source>unknown policy profile &quot;%1&quot;</source>
        <translation>profil de politique inconnu « %1 »</translation>
    </message>
    <message>
        <source>&quot;%1&quot; already belongs to account %2</source>
        <translation>« %1 » appartient déjà au compte %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is already the payment of purchase %2</source>
        <translation>« %1 » est déjà le paiement de l&apos;achat %2</translation>
    </message>
    <message>
        <source>account &quot;%1&quot; has %2 credits; the job spends %3</source>
        <translation>le compte « %1 » a %2 crédits ; la tâche en dépense %3</translation>
    </message>
</context>
<context>
    <name>InvariantChecker</name>
    <message>
        <source>account %1: balance %2 but its ledger entries sum to %3</source>
        <translation>compte %1 : solde %2 mais ses écritures totalisent %3</translation>
    </message>
    <message>
        <source>account %1: negative balance %2</source>
        <translation>compte %1 : solde négatif %2</translation>
    </message>
    <message>
        <source>account %1: balance went negative (%2) at ledger entry %3</source>
        <translation>compte %1 : le solde est devenu négatif (%2) à l&apos;écriture %3</translation>
    </message>
    <message>
        <source>account %1: balance %2 but its credit lots hold %3</source>
        <translation>compte %1 : solde %2 mais ses lots de crédits contiennent %3</translation>
    </message>
    <message>
        <source>purchase %1: %2 paid but %3 went back (our refunds and the chargebacks lost before them)</source>
        <translation>achat %1 : %2 payé mais %3 rendu (nos remboursements et les rétrofacturations perdues avant eux)</translation>
    </message>
    <message>
        <source>purchase %1: delivered %2 credits but %3 were restored for it</source>
        <translation>achat %1 : %2 crédits livrés mais %3 restitués à ce titre</translation>
    </message>
    <message>
        <source>purchase %1: %2 granted %3 times (requests %4); a remedy is granted once</source>
        <translation>achat %1 : %2 accordé %3 fois (demandes %4) ; un remède n&apos;est accordé qu&apos;une fois</translation>
    </message>
    <message>
        <source>job %1: credited back %2 times</source>
        <translation>tâche %1 : recréditée %2 fois</translation>
    </message>
    <message>
        <source>job %1: credit-back of %2 credits for a %3 job of %4 credits</source>
        <translation>tâche %1 : recrédit de %2 crédits pour une tâche (%3) de %4 crédits</translation>
    </message>
    <message>
        <source>request %1: %2 but no decision recorded</source>
        <translation>demande %1 : %2 mais aucune décision enregistrée</translation>
    </message>
    <message>
        <source>request %1: status %2 but its decision is %3</source>
        <translation>demande %1 : statut %2 mais sa décision est %3</translation>
    </message>
    <message>
        <source>request %1: decision refunds %2 cents but its payouts hold %3</source>
        <translation>demande %1 : la décision rembourse %2 centimes mais ses versements contiennent %3</translation>
    </message>
    <message>
        <source>request %1: decision restores %2 and takes back %3 credits but its ledger entries restore %4 and take back %5</source>
        <translation>demande %1 : la décision restitue %2 crédits et en reprend %3, mais ses écritures en restituent %4 et en reprennent %5</translation>
    </message>
    <message>
        <source>request %1 (%2): has a remedy (ledger entry %3) but is not approved</source>
        <translation>demande %1 (%2) : a un remède (écriture %3) mais n&apos;est pas approuvée</translation>
    </message>
    <message>
        <source>request %1 (%2): has payout %3 but is not approved</source>
        <translation>demande %1 (%2) : a le versement %3 mais n&apos;est pas approuvée</translation>
    </message>
    <message>
        <source>ledger entry %1 (%2, %3 credits on account %4) has no cause on that account: no matching purchase, job, chargeback or approved decision</source>
        <translation>l&apos;écriture %1 (%2, %3 crédits sur le compte %4) n&apos;a pas de cause sur ce compte : aucun achat, tâche, rétrofacturation ou décision approuvée correspondant</translation>
    </message>
    <message>
        <source>payout %1 (%2 minor units %3 on account %4, purchase %5) matches no approved money refund of that account, purchase, currency and amount</source>
        <translation>le versement %1 (%2 unités mineures %3 sur le compte %4, achat %5) ne correspond à aucun remboursement en argent approuvé de ce compte, cet achat, cette devise et ce montant</translation>
    </message>
    <message>
        <source>request %1: %2 but its audit trail has no record of the decision</source>
        <translation>demande %1 : %2 mais son journal d&apos;audit n&apos;a aucune trace de la décision</translation>
    </message>
    <message>
        <source>payout %1 is %2 but its audit trail does not say how it got there</source>
        <translation>le versement %1 est %2 mais son journal d&apos;audit ne dit pas comment il y est arrivé</translation>
    </message>
    <message>
        <source>ledger entry %1 (%2, %3 credits) moves credits for request %4, whose audit trail has no decision or chargeback</source>
        <translation>l&apos;écriture %1 (%2, %3 crédits) déplace des crédits pour la demande %4, dont le journal d&apos;audit n&apos;a ni décision ni rétrofacturation</translation>
    </message>
    <message>
        <source>the decision of request %1 was reversed but its ledger entry %2 (%3 credits) was not</source>
        <translation>la décision de la demande %1 a été annulée mais pas son écriture %2 (%3 crédits)</translation>
    </message>
    <message>
        <source>the decision of request %1 was reversed by %2 but the audit trail does not say so</source>
        <translation>la décision de la demande %1 a été annulée par %2 mais le journal d&apos;audit ne le dit pas</translation>
    </message>
    <message>
        <source>request %1 waits for a second approval but has no first approval waiting for an answer</source>
        <translation>la demande %1 attend une seconde approbation mais n&apos;a aucune première approbation en attente de réponse</translation>
    </message>
    <message>
        <source>decision %1 of request %2 names %3 as its second approver, who has no approval of %4&apos;s first approval on record</source>
        <translation>la décision %1 de la demande %2 désigne %3 comme second approbateur, sans approbation enregistrée de la première approbation de %4</translation>
    </message>
    <message>
        <source>... and %1 more like the above</source>
        <translation>… et %1 autres comme ci-dessus</translation>
    </message>
    <message>
        <source>%1: %2 group(s) differ from a count of the facts (the dashboard shows them; refundctl rollups rebuild counts them again)</source>
        <translation>%1 : %2 groupe(s) diffèrent d’un comptage des faits (le tableau de bord les affiche ; refundctl rollups rebuild les recompte)</translation>
    </message>
</context>
<context>
    <name>JobTableModel</name>
    <message>
        <source>Job</source>
        <translation>Tâche</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Account ID</source>
        <translation>N° de compte</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>Credits</source>
        <translation>Crédits</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Failure</source>
        <translation>Échec</translation>
    </message>
    <message>
        <source>Credited back</source>
        <translation>Recréditée</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Détail</translation>
    </message>
</context>
<context>
    <name>LedgerRepository</name>
    <message>
        <source>no account with id %1</source>
        <translation>aucun compte avec l&apos;identifiant %1</translation>
    </message>
</context>
<context>
    <name>LedgerTableModel</name>
    <message>
        <source>Entry</source>
        <translation>Écriture</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Account ID</source>
        <translation>N° de compte</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Credits</source>
        <translation>Crédits</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>Solde</translation>
    </message>
    <message>
        <source>Purchase</source>
        <translation>Achat</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Tâche</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>Demande</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Par</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Note</translation>
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
        <translation>%1 (lecture seule : rien ne peut être modifié)</translation>
    </message>
    <message>
        <source>Connection restored.</source>
        <translation>Connexion rétablie.</translation>
    </message>
    <message>
        <source>&amp;New request…</source>
        <translation>&amp;Nouvelle demande…</translation>
    </message>
    <message>
        <source>Request %1 saved and triaged.</source>
        <translation>Demande %1 enregistrée et pré-examinée.</translation>
    </message>
    <message>
        <source>&amp;Approve…</source>
        <translation>&amp;Approuver…</translation>
    </message>
    <message>
        <source>&amp;Deny…</source>
        <translation>&amp;Refuser…</translation>
    </message>
    <message>
        <source>&amp;Escalate…</source>
        <translation>&amp;Escalader…</translation>
    </message>
    <message>
        <source>Give second appro&amp;val…</source>
        <translation>Donner la seconde appro&amp;bation…</translation>
    </message>
    <message>
        <source>Send bac&amp;k…</source>
        <translation>Ren&amp;voyer…</translation>
    </message>
    <message>
        <source>&amp;Reverse decision…</source>
        <translation>Annuler la &amp;décision…</translation>
    </message>
    <message>
        <source>Assign to &amp;me</source>
        <translation>&amp;M&apos;attribuer</translation>
    </message>
    <message>
        <source>&amp;Copy reply draft</source>
        <translation>Co&amp;pier le brouillon de réponse</translation>
    </message>
    <message>
        <source>Ne&amp;xt request</source>
        <translation>Demande &amp;suivante</translation>
    </message>
    <message>
        <source>&amp;Previous request</source>
        <translation>Demande précéden&amp;te</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Rechercher</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>Act&amp;ualiser</translation>
    </message>
    <message>
        <source>&amp;Print the dashboard…</source>
        <translation>&amp;Imprimer le tableau de bord…</translation>
    </message>
    <message>
        <source>&amp;Connect to database…</source>
        <translation>Se &amp;connecter à une base…</translation>
    </message>
    <message>
        <source>Export this &amp;table as CSV…</source>
        <translation>Exporter ce &amp;tableau en CSV…</translation>
    </message>
    <message>
        <source>Export a &amp;report…</source>
        <translation>Exporter un &amp;rapport…</translation>
    </message>
    <message>
        <source>Reviewer &amp;name…</source>
        <translation>&amp;Nom de l&apos;examinateur…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Raccourcis clavier</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Request</source>
        <translation>&amp;Demande</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>&amp;Queue</source>
        <translation>&amp;File d&apos;attente</translation>
    </message>
    <message>
        <source>A&amp;ccounts</source>
        <translation>&amp;Comptes</translation>
    </message>
    <message>
        <source>&amp;Ledger</source>
        <translation>&amp;Écritures</translation>
    </message>
    <message>
        <source>&amp;Purchases</source>
        <translation>&amp;Achats</translation>
    </message>
    <message>
        <source>&amp;Jobs</source>
        <translation>&amp;Tâches</translation>
    </message>
    <message>
        <source>Pa&amp;youts</source>
        <translation>&amp;Versements</translation>
    </message>
    <message>
        <source>&amp;Dashboard</source>
        <translation>Tableau de &amp;bord</translation>
    </message>
    <message>
        <source>P&amp;olicy</source>
        <translation>&amp;Politique</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Aid&amp;e</translation>
    </message>
    <message>
        <source>&amp;About Refund Desk</source>
        <translation>À &amp;propos de Refund Desk</translation>
    </message>
    <message>
        <source>About Refund Desk</source>
        <translation>À propos de Refund Desk</translation>
    </message>
    <message>
        <source>&lt;b&gt;Refund Desk&lt;/b&gt; %1&lt;br&gt;Refund review for prepaid-credit platforms.</source>
        <translation>&lt;b&gt;Refund Desk&lt;/b&gt; %1&lt;br&gt;Examen des remboursements pour les plateformes à crédits prépayés.</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>File d&apos;attente</translation>
    </message>
    <message>
        <source>Search accounts by email, name or id  ( / )</source>
        <translation>Rechercher des comptes par e-mail, nom ou identifiant  ( / )</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Tous les statuts</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Comptes</translation>
    </message>
    <message>
        <source>Any entry type</source>
        <translation>Tous les types d&apos;écriture</translation>
    </message>
    <message>
        <source>Ledger</source>
        <translation>Écritures</translation>
    </message>
    <message>
        <source>Any purchase</source>
        <translation>Tous les achats</translation>
    </message>
    <message>
        <source>Purchases</source>
        <translation>Achats</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Tâches</translation>
    </message>
    <message>
        <source>Any payout</source>
        <translation>Tous les versements</translation>
    </message>
    <message>
        <source>Payouts</source>
        <translation>Versements</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Tableau de bord</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>Politique</translation>
    </message>
    <message>
        <source>Only a lead saves a policy profile or puts accounts on it (you are signed in as %1).</source>
        <translation>Seul un responsable enregistre un profil de politique ou y place des comptes (vous êtes connecté en tant que %1).</translation>
    </message>
    <message>
        <source>On a team&apos;s database you act as the login you signed in with.</source>
        <translation>Sur la base d&apos;une équipe, vous agissez sous l&apos;identifiant avec lequel vous vous êtes connecté.</translation>
    </message>
    <message>
        <source>A viewer reads and exports; a reviewer, lead or admin may do this (ask an admin).</source>
        <translation>Un lecteur consulte et exporte ; un examinateur, un responsable ou un administrateur peut le faire (demandez à un administrateur).</translation>
    </message>
    <message>
        <source>Signed in as %1 (%2)</source>
        <translation>Connecté en tant que %1 (%2)</translation>
    </message>
    <message>
        <source>No reviewer name set</source>
        <translation>Aucun nom d&apos;examinateur défini</translation>
    </message>
    <message>
        <source>Reviewer: %1 · one person&apos;s file, no roles</source>
        <translation>Examinateur : %1 · fichier d&apos;une seule personne, sans rôles</translation>
    </message>
    <message>
        <source>Reviewer: %1</source>
        <translation>Examinateur : %1</translation>
    </message>
    <message>
        <source>A SQLite file is one person&apos;s: decisions are recorded under this name (at first the operating-system user, %1; File → Reviewer name changes it). Sign-in, roles and second approvals apply on a team&apos;s PostgreSQL database.</source>
        <translation>Un fichier SQLite appartient à une seule personne : les décisions sont enregistrées sous ce nom (au départ l&apos;utilisateur du système, %1 ; Fichier → Nom de l&apos;examinateur le change). La connexion, les rôles et les secondes approbations s&apos;appliquent sur la base PostgreSQL d&apos;une équipe.</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>inconnu</translation>
    </message>
    <message>
        <source>Account %1</source>
        <translation>Compte %1</translation>
    </message>
    <message>
        <source>For a request waiting for a second approval</source>
        <translation>Pour une demande en attente de seconde approbation</translation>
    </message>
    <message>
        <source>You gave the first approval: another lead gives the second.</source>
        <translation>Vous avez donné la première approbation : un autre responsable donne la seconde.</translation>
    </message>
    <message>
        <source>Only a lead gives a second approval.</source>
        <translation>Seul un responsable donne une seconde approbation.</translation>
    </message>
    <message>
        <source>Carry out %1&apos;s decision: it is paid or credited at once.</source>
        <translation>Exécuter la décision de %1 : elle est versée ou créditée aussitôt.</translation>
    </message>
    <message>
        <source>Only a lead reverses a decision.</source>
        <translation>Seul un responsable annule une décision.</translation>
    </message>
    <message>
        <source>Correct a decision: the credits it moved move back and the request reopens as a new one.</source>
        <translation>Corriger une décision : les crédits qu&apos;elle a déplacés reviennent et la demande est rouverte comme une nouvelle.</translation>
    </message>
    <message>
        <source>Only a lead, or whoever gave the first approval, sends it back.</source>
        <translation>Seul un responsable, ou l&apos;auteur de la première approbation, la renvoie.</translation>
    </message>
    <message>
        <source>Send the request back to the queue with a note.</source>
        <translation>Renvoyer la demande dans la file avec une note.</translation>
    </message>
    <message>
        <source>This database file is read-only here.</source>
        <translation>Ce fichier de base est en lecture seule ici.</translation>
    </message>
    <message>
        <source>Reviewer name</source>
        <translation>Nom de l&apos;examinateur</translation>
    </message>
    <message>
        <source>Your name, recorded with every decision you take:</source>
        <translation>Votre nom, enregistré avec chacune de vos décisions :</translation>
    </message>
    <message>
        <source>Ctrl+Enter</source>
        <translation>Ctrl+Entrée</translation>
    </message>
    <message>
        <source>Confirm the open dialog</source>
        <translation>Confirmer la boîte de dialogue ouverte</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Fichiers CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export this table as CSV</source>
        <translation>Exporter ce tableau en CSV</translation>
    </message>
    <message>
        <source>Save the %1 report</source>
        <translation>Enregistrer le rapport %1</translation>
    </message>
    <message>
        <source>Only a lead may decide against the policy: escalate the request instead (E).</source>
        <translation>Seul un responsable peut décider contre la politique : escaladez plutôt la demande (E).</translation>
    </message>
    <message>
        <source>Already decided</source>
        <translation>Déjà décidée</translation>
    </message>
    <message>
        <source>Request %1 was decided by %2 at %3 while you were looking at it. Nothing was changed; the queue now shows the current state.</source>
        <translation>La demande %1 a été décidée par %2 à %3 pendant que vous la consultiez. Rien n&apos;a été modifié ; la file affiche maintenant l&apos;état actuel.</translation>
    </message>
    <message numerus="yes">
        <source>Request %1 approved: %2 to refund, %n credit(s) taken back.</source>
        <translation>
            <numerusform>Demande %1 approuvée : %2 à rembourser, %n crédit repris.</numerusform>
            <numerusform>Demande %1 approuvée : %2 à rembourser, %n crédits repris.</numerusform>
        </translation>
    </message>
    <message>
        <source>Request %1 approved: %2 to refund.</source>
        <translation>Demande %1 approuvée : %2 à rembourser.</translation>
    </message>
    <message>
        <source>Request %1 approved: %2 credits restored.</source>
        <translation>Demande %1 approuvée : %2 crédits restitués.</translation>
    </message>
    <message>
        <source>Request %1 approved.</source>
        <translation>Demande %1 approuvée.</translation>
    </message>
    <message>
        <source>Request %1 denied.</source>
        <translation>Demande %1 refusée.</translation>
    </message>
    <message>
        <source>Request %1 is waiting for a second approval by another lead.</source>
        <translation>La demande %1 attend la seconde approbation d&apos;un autre responsable.</translation>
    </message>
    <message>
        <source>Request %1 escalated.</source>
        <translation>Demande %1 escaladée.</translation>
    </message>
    <message>
        <source>refund %1 to the customer&apos;s card</source>
        <translation>rembourser %1 sur la carte du client</translation>
    </message>
    <message>
        <source>approve it</source>
        <translation>l&apos;approuver</translation>
    </message>
    <message>
        <source>deny it</source>
        <translation>la refuser</translation>
    </message>
    <message>
        <source>Second approval</source>
        <translation>Seconde approbation</translation>
    </message>
    <message>
        <source>Give the second approval to request %1?</source>
        <translation>Donner la seconde approbation à la demande %1 ?</translation>
    </message>
    <message>
        <source>%1 decided to %2. With your approval it is carried out at once; a decision is corrected afterwards only by a reversal.</source>
        <translation>%1 a décidé de %2. Avec votre approbation, c&apos;est exécuté aussitôt ; une décision ne se corrige ensuite que par une annulation.</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>&amp;Approuver</translation>
    </message>
    <message>
        <source>Not approved</source>
        <translation>Non approuvée</translation>
    </message>
    <message>
        <source>Request %1 was not approved: %2</source>
        <translation>La demande %1 n&apos;a pas été approuvée : %2</translation>
    </message>
    <message>
        <source>Request %1 denied with a second approval.</source>
        <translation>Demande %1 refusée avec une seconde approbation.</translation>
    </message>
    <message>
        <source>Request %1 approved with a second approval: %2 to refund.</source>
        <translation>Demande %1 approuvée avec une seconde approbation : %2 à rembourser.</translation>
    </message>
    <message>
        <source>Request %1 approved with a second approval.</source>
        <translation>Demande %1 approuvée avec une seconde approbation.</translation>
    </message>
    <message>
        <source>Request %1 reversed: the case continues in request %2.</source>
        <translation>Demande %1 annulée : le dossier continue dans la demande %2.</translation>
    </message>
    <message>
        <source>Reverse the decision of request %1</source>
        <translation>Annuler la décision de la demande %1</translation>
    </message>
    <message>
        <source>Why it is reversed. The credits the decision moved move back, and the request reopens as a new one for a fresh decision; money already paid out is not reversed. This cannot be undone.</source>
        <translation>Pourquoi elle est annulée. Les crédits que la décision a déplacés reviennent, et la demande est rouverte comme une nouvelle pour une nouvelle décision ; l&apos;argent déjà versé n&apos;est pas repris. Cette action est irréversible.</translation>
    </message>
    <message>
        <source>&amp;Reverse</source>
        <translation>A&amp;nnuler la décision</translation>
    </message>
    <message>
        <source>Request %1 sent back to the queue.</source>
        <translation>Demande %1 renvoyée dans la file.</translation>
    </message>
    <message>
        <source>Send request %1 back</source>
        <translation>Renvoyer la demande %1</translation>
    </message>
    <message>
        <source>Why it goes back (the first approver and the queue see this):</source>
        <translation>Pourquoi elle est renvoyée (l&apos;auteur de la première approbation et la file le voient) :</translation>
    </message>
    <message>
        <source>Send &amp;back</source>
        <translation>&amp;Renvoyer</translation>
    </message>
    <message>
        <source>Note added to request %1.</source>
        <translation>Note ajoutée à la demande %1.</translation>
    </message>
    <message>
        <source>Request %1 assigned to you.</source>
        <translation>La demande %1 vous est attribuée.</translation>
    </message>
    <message>
        <source>Not assigned</source>
        <translation>Non attribuée</translation>
    </message>
    <message>
        <source>Request %1 was not assigned: %2</source>
        <translation>La demande %1 n&apos;a pas été attribuée : %2</translation>
    </message>
    <message>
        <source>Add no&amp;te…</source>
        <translation>Ajouter une n&amp;ote…</translation>
    </message>
    <message>
        <source>Open acco&amp;unt</source>
        <translation>Ouvrir le &amp;compte</translation>
    </message>
</context>
<context>
    <name>NdjsonSource</name>
    <message>
        <source>the line is longer than 1 MiB</source>
        <translation>la ligne dépasse 1 Mio</translation>
    </message>
</context>
<context>
    <name>NewRequestDialog</name>
    <message>
        <source>New refund request</source>
        <translation>Nouvelle demande de remboursement</translation>
    </message>
    <message>
        <source>A request that came by email or phone: it joins the queue as if the helpdesk had sent it, and is triaged at once.</source>
        <translation>Une demande arrivée par e-mail ou par téléphone : elle rejoint la file comme si le support l&apos;avait envoyée, et est pré-examinée aussitôt.</translation>
    </message>
    <message>
        <source>the customer&apos;s account email</source>
        <translation>l&apos;adresse e-mail du compte client</translation>
    </message>
    <message>
        <source>Customer &amp;email:</source>
        <translation>&amp;E-mail du client :</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Type :</translation>
    </message>
    <message>
        <source>&amp;Purchase:</source>
        <translation>&amp;Achat :</translation>
    </message>
    <message>
        <source>&amp;Job:</source>
        <translation>Tâc&amp;he :</translation>
    </message>
    <message>
        <source>what the customer says they were charged wrongly</source>
        <translation>ce que le client dit avoir été facturé à tort</translation>
    </message>
    <message>
        <source>Amount &amp;claimed:</source>
        <translation>Montant ré&amp;clamé :</translation>
    </message>
    <message>
        <source>the customer&apos;s words: what happened, when, any error</source>
        <translation>les mots du client : ce qui s&apos;est passé, quand, quelle erreur</translation>
    </message>
    <message>
        <source>&amp;Message:</source>
        <translation>&amp;Message :</translation>
    </message>
    <message>
        <source>the helpdesk ticket, e.g. T-4711 (optional)</source>
        <translation>le ticket du support, p. ex. T-4711 (facultatif)</translation>
    </message>
    <message>
        <source>T&amp;icket id:</source>
        <translation>N° de t&amp;icket :</translation>
    </message>
    <message>
        <source>Ctrl+Enter saves, Esc cancels.</source>
        <translation>Ctrl+Entrée enregistre, Échap annule.</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>Type the email; the account is looked up as you leave the field.</source>
        <translation>Saisissez l&apos;e-mail ; le compte est recherché quand vous quittez le champ.</translation>
    </message>
    <message>
        <source>No account has the email &quot;%1&quot;.</source>
        <translation>Aucun compte n&apos;a l&apos;adresse e-mail « %1 ».</translation>
    </message>
    <message>
        <source>%1 · account %2 · %3 · %4 credits · %5</source>
        <translation>%1 · compte %2 · %3 · %4 crédits · %5</translation>
    </message>
    <message>
        <source>#%1 · %2 · %3 · %4 credits</source>
        <translation>#%1 · %2 · %3 · %4 crédits</translation>
    </message>
    <message>
        <source>#%1 · %2 · %3 · %4 credits · %5</source>
        <translation>#%1 · %2 · %3 · %4 crédits · %5</translation>
    </message>
    <message>
        <source>failed (%1)</source>
        <translation>en échec (%1)</translation>
    </message>
    <message>
        <source>The account could not be read: %1</source>
        <translation>Impossible de lire le compte : %1</translation>
    </message>
    <message>
        <source>the purchase (order or invoice)</source>
        <translation>l&apos;achat (commande ou facture)</translation>
    </message>
    <message>
        <source>the job (the failed generation)</source>
        <translation>la tâche (la génération en échec)</translation>
    </message>
    <message>
        <source>the purchase or the job it is about</source>
        <translation>l&apos;achat ou la tâche concerné(e)</translation>
    </message>
    <message>
        <source>the customer&apos;s reason and the details</source>
        <translation>le motif du client et les détails</translation>
    </message>
    <message>
        <source>the amount the customer claims</source>
        <translation>le montant que le client réclame</translation>
    </message>
    <message>
        <source>Everything the %1 policy asks for is here.</source>
        <translation>Tout ce que demande la politique %1 est là.</translation>
    </message>
    <message>
        <source>The %1 policy asks for: %2.</source>
        <translation>La politique %1 demande : %2.</translation>
    </message>
    <message>
        <source>The policy&apos;s recommendation shows once the request names what it needs.</source>
        <translation>La recommandation de la politique s&apos;affiche dès que la demande indique ce dont elle a besoin.</translation>
    </message>
    <message>
        <source> · refund %1</source>
        <translation> · rembourser %1</translation>
    </message>
    <message>
        <source> · restore %1 credits</source>
        <translation> · restituer %1 crédits</translation>
    </message>
    <message>
        <source>The policy would recommend: &lt;span style=&apos;background-color:%1; color:white&apos;&gt;&amp;nbsp;%2&amp;nbsp;&lt;/span&gt;%3 (%4)&lt;br&gt;%5</source>
        <translation>La politique recommanderait : &lt;span style=&apos;background-color:%1; color:white&apos;&gt;&amp;nbsp;%2&amp;nbsp;&lt;/span&gt;%3 (%4)&lt;br&gt;%5</translation>
    </message>
    <message>
        <source>The request lacks what the policy asks for (see above).</source>
        <translation>Il manque à la demande ce que la politique demande (voir ci-dessus).</translation>
    </message>
    <message>
        <source>Choose the customer&apos;s account first.</source>
        <translation>Choisissez d&apos;abord le compte du client.</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Non enregistrée : %1</translation>
    </message>
</context>
<context>
    <name>NoteDialog</name>
    <message>
        <source>Internal &amp;note (only reviewers see it):</source>
        <translation>&amp;Note interne (seuls les examinateurs la voient) :</translation>
    </message>
    <message>
        <source>Note on request %1</source>
        <translation>Note sur la demande %1</translation>
    </message>
    <message>
        <source>Write the note first.</source>
        <translation>Rédigez d&apos;abord la note.</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Non enregistrée : %1</translation>
    </message>
</context>
<context>
    <name>PayoutBook</name>
    <message>
        <source>the database has no uuid (desk_settings.database_uuid): run refundctl init</source>
        <translation>la base n&apos;a pas d&apos;UUID (desk_settings.database_uuid) : lancez refundctl init</translation>
    </message>
    <message>
        <source>payout %1 is no longer %2</source>
        <translation>le versement %1 n&apos;est plus %2</translation>
    </message>
    <message>
        <source>payout %1: purchase %2 was paid with &quot;%3&quot;, which is neither a Stripe PaymentIntent (pi_) nor a Charge (ch_); it stays pending for a person (refundctl payouts mark)</source>
        <translation>versement %1 : l&apos;achat %2 a été payé avec « %3 », qui n&apos;est ni un PaymentIntent Stripe (pi_) ni un Charge (ch_) ; il reste en attente pour une personne (refundctl payouts mark)</translation>
    </message>
    <message>
        <source>sent to the payment processor (%1)</source>
        <translation>envoyé au prestataire de paiement (%1)</translation>
    </message>
    <message>
        <source>payout %1 is refund %2 at the processor, not %3</source>
        <translation>le versement %1 est le remboursement %2 chez le prestataire, pas %3</translation>
    </message>
    <message>
        <source>the processor&apos;s refund %1 is for %2, the payout for %3</source>
        <translation>le remboursement %1 du prestataire porte sur %2, le versement sur %3</translation>
    </message>
    <message>
        <source>the processor holds refund %1 as %2</source>
        <translation>le prestataire tient le remboursement %1 pour %2</translation>
    </message>
    <message>
        <source>the processor reports refund %1 %2</source>
        <translation>le prestataire signale le remboursement %1 comme %2</translation>
    </message>
    <message>
        <source>no payout with id %1</source>
        <translation>aucun versement avec l&apos;identifiant %1</translation>
    </message>
    <message>
        <source>refused by the payment processor</source>
        <translation>refusé par le prestataire de paiement</translation>
    </message>
    <message>
        <source>the processor reports an idempotency error: a person must look</source>
        <translation>le prestataire signale une erreur d&apos;idempotence : une personne doit regarder</translation>
    </message>
    <message>
        <source>no usable answer from the payment processor</source>
        <translation>aucune réponse exploitable du prestataire de paiement</translation>
    </message>
    <message>
        <source>say in a note how the payout was handled</source>
        <translation>indiquez dans une note comment le versement a été traité</translation>
    </message>
    <message>
        <source>a paid payout needs the reference of the transfer (--ref)</source>
        <translation>un versement payé exige la référence du virement (--ref)</translation>
    </message>
    <message>
        <source>payout %1 is already %2; nothing was changed</source>
        <translation>le versement %1 est déjà %2 ; rien n&apos;a été modifié</translation>
    </message>
    <message>
        <source>payout %1 already has the reference %2, not %3</source>
        <translation>le versement %1 a déjà la référence %2, pas %3</translation>
    </message>
    <message>
        <source>payout %1 of %2 marked %3 by hand%4: %5</source>
        <translation>versement %1 de %2 marqué %3 à la main%4 : %5</translation>
    </message>
    <message>
        <source>say in a note why the payout is sent again</source>
        <translation>indiquez dans une note pourquoi le versement est renvoyé</translation>
    </message>
    <message>
        <source>payout %1 is %2: only a failed payout can be retried</source>
        <translation>le versement %1 est %2 : seul un versement en échec peut être relancé</translation>
    </message>
    <message>
        <source>payout %1 was already retried as payout %2</source>
        <translation>le versement %1 a déjà été relancé comme versement %2</translation>
    </message>
</context>
<context>
    <name>PayoutCommands</name>
    <message>
        <source>The payment processor&apos;s secret key, in a file of mode 0600 (default: $REFUNDDESK_STRIPE_KEY_FILE). Without one, payouts stay pending for manual handling.</source>
        <translation>La clé secrète du prestataire de paiement, dans un fichier en mode 0600 (par défaut : $REFUNDDESK_STRIPE_KEY_FILE). Sans elle, les versements restent en attente d&apos;un traitement manuel.</translation>
    </message>
    <message>
        <source>The processor&apos;s API base (default: $REFUNDDESK_STRIPE_API_BASE, else https://api.stripe.com).</source>
        <translation>La base de l&apos;API du prestataire (par défaut : $REFUNDDESK_STRIPE_API_BASE, sinon https://api.stripe.com).</translation>
    </message>
    <message>
        <source>--stripe-api-base needs an http(s) URL, not &apos;%1&apos;</source>
        <translation>--stripe-api-base attend une URL http(s), pas « %1 »</translation>
    </message>
</context>
<context>
    <name>PayoutTableModel</name>
    <message>
        <source>Attention</source>
        <translation>Attention</translation>
    </message>
    <message>
        <source>Payout</source>
        <translation>Versement</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Montant</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Âge</translation>
    </message>
    <message>
        <source>Purchase</source>
        <translation>Achat</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>Demande</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
    <message>
        <source>Processor ref</source>
        <translation>Réf. du prestataire</translation>
    </message>
    <message>
        <source>Last change</source>
        <translation>Dernier changement</translation>
    </message>
    <message>
        <source>Retry of</source>
        <translation>Relance de</translation>
    </message>
    <message>
        <source>Failure reason</source>
        <translation>Motif de l&apos;échec</translation>
    </message>
    <message>
        <source>Retried</source>
        <translation>Relancé</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Devise</translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h</source>
        <translation>
            <numerusform>%n h</numerusform>
            <numerusform>%n h</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n d</source>
        <translation>
            <numerusform>%n j</numerusform>
            <numerusform>%n j</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PayoutWorker</name>
    <message>
        <source>payout %1: the processor&apos;s refunds could not be listed: %2</source>
        <translation>versement %1 : impossible de lister les remboursements du prestataire : %2</translation>
    </message>
    <message>
        <source>payout %1: the processor&apos;s answer could not be recorded: %2</source>
        <translation>versement %1 : impossible d&apos;enregistrer la réponse du prestataire : %2</translation>
    </message>
</context>
<context>
    <name>PayoutsView</name>
    <message>
        <source>&amp;Retry failed payout…</source>
        <translation>&amp;Relancer le versement en échec…</translation>
    </message>
    <message>
        <source>Send the money of a failed payout again, as a new payout, with a note saying why (once per failed payout)</source>
        <translation>Renvoyer l&apos;argent d&apos;un versement en échec, comme nouveau versement, avec une note expliquant pourquoi (une fois par versement en échec)</translation>
    </message>
    <message>
        <source>Failed and unknown payouts come first. A failed payout returned nothing to the customer: retry it once its cause is dealt with. An unknown one is resolved by refundctl payouts reconcile.</source>
        <translation>Les versements en échec et inconnus apparaissent en premier. Un versement en échec n&apos;a rien rendu au client : relancez-le une fois sa cause traitée. Un versement inconnu est résolu par refundctl payouts reconcile.</translation>
    </message>
    <message>
        <source>Payout %1 failed and was retried already.</source>
        <translation>Le versement %1 a échoué et a déjà été relancé.</translation>
    </message>
    <message>
        <source>Payout %1 failed: %2</source>
        <translation>Le versement %1 a échoué : %2</translation>
    </message>
    <message>
        <source>Payout %1: only a failed payout can be retried.</source>
        <translation>Versement %1 : seul un versement en échec peut être relancé.</translation>
    </message>
    <message>
        <source>Set your reviewer name first (File menu): the retry is recorded under it.</source>
        <translation>Définissez d&apos;abord votre nom d&apos;examinateur (menu Fichier) : la relance est enregistrée sous ce nom.</translation>
    </message>
    <message>
        <source>Retry payout %1</source>
        <translation>Relancer le versement %1</translation>
    </message>
    <message>
        <source>%1 goes to the customer&apos;s card again as a new payout, sent with the next payouts run. Say why it will go through this time (kept in the history):</source>
        <translation>%1 repart vers la carte du client comme nouveau versement, envoyé avec la prochaine série de versements. Dites pourquoi il passera cette fois (conservé dans l&apos;historique) :</translation>
    </message>
    <message>
        <source>&amp;Retry payout</source>
        <translation>&amp;Relancer le versement</translation>
    </message>
    <message>
        <source>Payout %1 retried as payout %2 (%3), pending.</source>
        <translation>Versement %1 relancé comme versement %2 (%3), en attente.</translation>
    </message>
</context>
<context>
    <name>PlatformEvents</name>
    <message>
        <source>an event is at most 1 MiB, this one is %1 bytes</source>
        <translation>un événement fait au plus 1 Mio, celui-ci fait %1 octets</translation>
    </message>
    <message>
        <source>not JSON (at offset %1: %2)</source>
        <translation>pas du JSON (à la position %1 : %2)</translation>
    </message>
    <message>
        <source>an event is one JSON object</source>
        <translation>un événement est un objet JSON</translation>
    </message>
    <message>
        <source>nested deeper than %1 levels</source>
        <translation>imbriqué sur plus de %1 niveaux</translation>
    </message>
    <message>
        <source>must be a string of 1 to 200 characters</source>
        <translation>doit être une chaîne de 1 à 200 caractères</translation>
    </message>
    <message>
        <source>is required</source>
        <translation>est requis</translation>
    </message>
    <message>
        <source>unknown event type &quot;%1&quot; (known: %2)</source>
        <translation>type d&apos;événement inconnu « %1 » (connus : %2)</translation>
    </message>
    <message>
        <source>must be an RFC 3339 time such as 2026-03-05T10:00:00Z</source>
        <translation>doit être une heure RFC 3339 comme 2026-03-05T10:00:00Z</translation>
    </message>
    <message>
        <source>must be a JSON object</source>
        <translation>doit être un objet JSON</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an email address</source>
        <translation>« %1 » n&apos;est pas une adresse e-mail</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an ISO 4217 code</source>
        <translation>« %1 » n&apos;est pas un code ISO 4217</translation>
    </message>
    <message>
        <source>%1 is above amount_cents %2</source>
        <translation>%1 dépasse amount_cents %2</translation>
    </message>
    <message>
        <source>a succeeded job has no failure</source>
        <translation>une tâche réussie n&apos;a pas d&apos;échec</translation>
    </message>
    <message>
        <source>is before from</source>
        <translation>est antérieur à from</translation>
    </message>
    <message>
        <source>is required (or email)</source>
        <translation>est requis (ou email)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a request type</source>
        <translation>« %1 » n&apos;est pas un type de demande</translation>
    </message>
</context>
<context>
    <name>PolicyBounds</name>
    <message>
        <source>must be a whole number from %1 to %2, not %3</source>
        <translation>doit être un nombre entier de %1 à %2, pas %3</translation>
    </message>
</context>
<context>
    <name>PolicyCase</name>
    <message>
        <source>%1 is above amount_cents %2</source>
        <translation>%1 dépasse amount_cents %2</translation>
    </message>
    <message>
        <source>%1 is above credits %2</source>
        <translation>%1 dépasse credits %2</translation>
    </message>
</context>
<context>
    <name>PolicyCaseJson</name>
    <message>
        <source>a case is at most 16 MiB, this one is %1 bytes</source>
        <translation>un cas fait au plus 16 Mio, celui-ci fait %1 octets</translation>
    </message>
    <message>
        <source>does not parse at offset %1: %2</source>
        <translation>illisible à la position %1 : %2</translation>
    </message>
    <message>
        <source>a case is one JSON object</source>
        <translation>un cas est un objet JSON</translation>
    </message>
    <message>
        <source>must be credits or subscription, not &apos;%1&apos;</source>
        <translation>doit être credits ou subscription, pas « %1 »</translation>
    </message>
    <message>
        <source>must be an ISO 4217 code such as USD, not &apos;%1&apos;</source>
        <translation>doit être un code ISO 4217 comme USD, pas « %1 »</translation>
    </message>
    <message>
        <source>%1 is above amount_cents %2</source>
        <translation>%1 dépasse amount_cents %2</translation>
    </message>
    <message>
        <source>%1 is above credits %2</source>
        <translation>%1 dépasse credits %2</translation>
    </message>
    <message>
        <source>must be a request type, not &apos;%1&apos;</source>
        <translation>doit être un type de demande, pas « %1 »</translation>
    </message>
    <message>
        <source>&apos;%1&apos; appears twice</source>
        <translation>« %1 » apparaît deux fois</translation>
    </message>
    <message>
        <source>is before from</source>
        <translation>est antérieur à from</translation>
    </message>
    <message>
        <source>no purchase &apos;%1&apos; in the case</source>
        <translation>aucun achat « %1 » dans le cas</translation>
    </message>
    <message>
        <source>no job &apos;%1&apos; in the case</source>
        <translation>aucune tâche « %1 » dans le cas</translation>
    </message>
    <message>
        <source>is required for a %1 request</source>
        <translation>est requis pour une demande de type %1</translation>
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
        <translation>Usage : refundctl policy evaluate CASE.json [--profile NAME | --profile-file FILE]
        refundctl policy list
        refundctl policy show NAME
        refundctl policy import FILE         (la version suivante d&apos;un profil d&apos;entreprise)
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
        <translation>indiquez evaluate, list, show, import, export, versions, diff, preview, assign ou accounts</translation>
    </message>
    <message>
        <source>unknown action &apos;%1&apos;; say evaluate, list, show, import, export, versions, diff, preview, assign or accounts</source>
        <translation>action inconnue « %1 » ; indiquez evaluate, list, show, import, export, versions, diff, preview, assign ou accounts</translation>
    </message>
</context>
<context>
    <name>PolicyEditor</name>
    <message>
        <source>Approved</source>
        <translation>Approuvée</translation>
    </message>
    <message>
        <source>A person reviews</source>
        <translation>Une personne examine</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Refusée</translation>
    </message>
    <message>
        <source>Money back to the payment method</source>
        <translation>Remboursement sur le moyen de paiement</translation>
    </message>
    <message>
        <source>Credits restored</source>
        <translation>Crédits restitués</translation>
    </message>
    <message>
        <source>Nothing</source>
        <translation>Rien</translation>
    </message>
    <message>
        <source>A person reviews; credits restored</source>
        <translation>Une personne examine ; crédits restitués</translation>
    </message>
    <message>
        <source>A person reviews; the unused share refunded</source>
        <translation>Une personne examine ; la part inutilisée est remboursée</translation>
    </message>
    <message>
        <source>Suspend the account</source>
        <translation>Suspendre le compte</translation>
    </message>
    <message>
        <source>Take back the purchase&apos;s credits</source>
        <translation>Reprendre les crédits de l&apos;achat</translation>
    </message>
    <message>
        <source>&amp;Open profile:</source>
        <translation>&amp;Ouvrir le profil :</translation>
    </message>
    <message>
        <source>Op&amp;en</source>
        <translation>Ouv&amp;rir</translation>
    </message>
    <message>
        <source>Load the chosen profile&apos;s newest version into the form</source>
        <translation>Charger la version la plus récente du profil choisi dans le formulaire</translation>
    </message>
    <message>
        <source>Put on this profile: account &amp;id</source>
        <translation>Placer sur ce profil : n° de &amp;compte</translation>
    </message>
    <message>
        <source>Put &amp;account</source>
        <translation>Placer le co&amp;mpte</translation>
    </message>
    <message>
        <source>or every account on</source>
        <translation>ou chaque compte sur</translation>
    </message>
    <message>
        <source>Move them a&amp;ll…</source>
        <translation>Les dép&amp;lacer tous…</translation>
    </message>
    <message>
        <source>Clause id</source>
        <translation>Id. de clause</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <source>Quoted policy text</source>
        <translation>Texte cité de la politique</translation>
    </message>
    <message>
        <source>For the reviewer</source>
        <translation>Pour l&apos;examinateur</translation>
    </message>
    <message>
        <source>&amp;Clauses</source>
        <translation>C&amp;lauses</translation>
    </message>
    <message>
        <source> days</source>
        <translation> jours</translation>
    </message>
    <message>
        <source>Requests of the last</source>
        <translation>Demandes des derniers</translation>
    </message>
    <message>
        <source>&amp;Preview</source>
        <translation>A&amp;perçu</translation>
    </message>
    <message>
        <source>Evaluate the draft next to today&apos;s version on the requests of the accounts on this profile</source>
        <translation>Évaluer le brouillon à côté de la version du jour sur les demandes des comptes de ce profil</translation>
    </message>
    <message>
        <source>Pre&amp;view</source>
        <translation>Aperç&amp;u</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>Enregistrée</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Par</translation>
    </message>
    <message>
        <source>Double-click a version to open it in the form; then compare it with another</source>
        <translation>Double-cliquez sur une version pour l&apos;ouvrir dans le formulaire ; puis comparez-la à une autre</translation>
    </message>
    <message>
        <source>Co&amp;mpare the selected version with the draft</source>
        <translation>Co&amp;mparer la version choisie au brouillon</translation>
    </message>
    <message>
        <source>Versi&amp;ons</source>
        <translation>Versi&amp;ons</translation>
    </message>
    <message>
        <source>&amp;Save as a new version</source>
        <translation>&amp;Enregistrer comme nouvelle version</translation>
    </message>
    <message>
        <source>Save the form as the profile&apos;s next version (Ctrl+S); versions already saved never change</source>
        <translation>Enregistrer le formulaire comme version suivante du profil (Ctrl+S) ; les versions déjà enregistrées ne changent jamais</translation>
    </message>
    <message>
        <source>YYYY-MM-DD, YYYY-MM-DD, …</source>
        <translation>AAAA-MM-JJ, AAAA-MM-JJ, …</translation>
    </message>
    <message>
        <source>not stated</source>
        <translation>non précisé</translation>
    </message>
    <message>
        <source>Profile &amp;id</source>
        <translation>&amp;Id. du profil</translation>
    </message>
    <message>
        <source>Compan&amp;y</source>
        <translation>En&amp;treprise</translation>
    </message>
    <message>
        <source>Policy text from</source>
        <translation>Texte de la politique du</translation>
    </message>
    <message>
        <source>&amp;Time zone</source>
        <translation>Fuseau &amp;horaire</translation>
    </message>
    <message>
        <source>Holidays</source>
        <translation>Jours fériés</translation>
    </message>
    <message>
        <source>&amp;Answer within</source>
        <translation>Ré&amp;ponse sous</translation>
    </message>
    <message>
        <source>Money back within</source>
        <translation>Remboursement sous</translation>
    </message>
    <message>
        <source>Purchase requests accepted for</source>
        <translation>Demandes sur achats acceptées pendant</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>sans limite</translation>
    </message>
    <message>
        <source>&amp;Unused credits refunded within</source>
        <translation>Crédits in&amp;utilisés remboursés sous</translation>
    </message>
    <message>
        <source>never: purchases are final</source>
        <translation>jamais : les achats sont définitifs</translation>
    </message>
    <message>
        <source>Terminated account</source>
        <translation>Compte résilié</translation>
    </message>
    <message>
        <source>Duplicate charge</source>
        <translation>Double prélèvement</translation>
    </message>
    <message>
        <source>Duplicate charge: remedy</source>
        <translation>Double prélèvement : remède</translation>
    </message>
    <message>
        <source>Billing error: remedy</source>
        <translation>Erreur de facturation : remède</translation>
    </message>
    <message>
        <source>Credits never delivered</source>
        <translation>Crédits jamais livrés</translation>
    </message>
    <message>
        <source>Outages</source>
        <translation>Pannes</translation>
    </message>
    <message>
        <source>An outage counts from</source>
        <translation>Une panne compte à partir de</translation>
    </message>
    <message>
        <source>On a chargeback</source>
        <translation>En cas de rétrofacturation</translation>
    </message>
    <message>
        <source>Only without support contact</source>
        <translation>Seulement sans contact avec le support</translation>
    </message>
    <message>
        <source> hours</source>
        <translation> heures</translation>
    </message>
    <message>
        <source> business days</source>
        <translation> jours ouvrés</translation>
    </message>
    <message>
        <source>Lower-case letters, digits, &apos;-&apos; and &apos;_&apos;; not a built-in profile&apos;s id</source>
        <translation>Minuscules, chiffres, « - » et « _ » ; pas l&apos;identifiant d&apos;un profil intégré</translation>
    </message>
    <message>
        <source>An IANA time zone such as Europe/Berlin: business days and answer dates are counted there</source>
        <translation>Un fuseau horaire IANA comme Europe/Paris : les jours ouvrés et les dates de réponse y sont comptés</translation>
    </message>
    <message>
        <source>Days that are no business days, as YYYY-MM-DD, comma-separated</source>
        <translation>Jours non ouvrés, au format AAAA-MM-JJ, séparés par des virgules</translation>
    </message>
    <message>
        <source>Suspend the account on a chargeback only when the customer did not contact support first</source>
        <translation>Suspendre le compte en cas de rétrofacturation seulement si le client n&apos;a pas d&apos;abord contacté le support</translation>
    </message>
    <message>
        <source>%1: built in. Save it under an id of the company&apos;s own.</source>
        <translation>%1 : intégré. Enregistrez-le sous un identifiant propre à l&apos;entreprise.</translation>
    </message>
    <message>
        <source>%1, version %2.</source>
        <translation>%1, version %2.</translation>
    </message>
    <message numerus="yes">
        <source>%n account(s) on it (refundctl policy assign puts more on it).</source>
        <translation>
            <numerusform>%n compte l&apos;utilise (refundctl policy assign en ajoute d&apos;autres).</numerusform>
            <numerusform>%n comptes l&apos;utilisent (refundctl policy assign en ajoute d&apos;autres).</numerusform>
        </translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Non enregistré : %1</translation>
    </message>
    <message>
        <source>Nothing changed since version %1: nothing done.</source>
        <translation>Rien n&apos;a changé depuis la version %1 : rien n&apos;a été fait.</translation>
    </message>
    <message>
        <source>Saved as %1 version %2. Recommendations follow it from now on; decisions already made keep theirs.</source>
        <translation>Enregistré comme %1 version %2. Les recommandations la suivent désormais ; les décisions déjà prises gardent la leur.</translation>
    </message>
    <message>
        <source>%1, version %2</source>
        <translation>%1, version %2</translation>
    </message>
    <message>
        <source>The draft cannot be previewed: %1</source>
        <translation>Impossible de prévisualiser le brouillon : %1</translation>
    </message>
    <message>
        <source>Sto&amp;p</source>
        <translation>Arrê&amp;ter</translation>
    </message>
    <message>
        <source>Evaluating…</source>
        <translation>Évaluation en cours…</translation>
    </message>
    <message>
        <source>The preview failed: %1</source>
        <translation>L&apos;aperçu a échoué : %1</translation>
    </message>
    <message numerus="yes">
        <source>%n request(s) of the last %1 days on %2 (version %3 today), evaluated in %4 ms; %5 would change.</source>
        <translation>
            <numerusform>%n demande des %1 derniers jours sur %2 (version %3 aujourd&apos;hui), évaluée en %4 ms ; %5 changeraient.</numerusform>
            <numerusform>%n demandes des %1 derniers jours sur %2 (version %3 aujourd&apos;hui), évaluées en %4 ms ; %5 changeraient.</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopped before the end.</source>
        <translation>Arrêté avant la fin.</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Aujourd&apos;hui</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>Brouillon</translation>
    </message>
    <message>
        <source>All types</source>
        <translation>Tous les types</translation>
    </message>
    <message>
        <source>Requests whose outcome changes</source>
        <translation>Demandes dont l&apos;issue change</translation>
    </message>
    <message>
        <source>built in</source>
        <translation>intégré</translation>
    </message>
    <message>
        <source>the program</source>
        <translation>le programme</translation>
    </message>
    <message>
        <source>Save the profile first: accounts go on a saved profile (%1).</source>
        <translation>Enregistrez d&apos;abord le profil : les comptes vont sur un profil enregistré (%1).</translation>
    </message>
    <message>
        <source>Give the account&apos;s id.</source>
        <translation>Indiquez le numéro du compte.</translation>
    </message>
    <message>
        <source>Move accounts</source>
        <translation>Déplacer des comptes</translation>
    </message>
    <message numerus="yes">
        <source>Put all %n account(s) on %1 on %2? Their later requests follow %2; decisions already made keep theirs.</source>
        <translation>
            <numerusform>Placer le %n compte de %1 sur %2 ? Ses demandes suivantes suivront %2 ; les décisions déjà prises gardent la leur.</numerusform>
            <numerusform>Placer les %n comptes de %1 sur %2 ? Leurs demandes suivantes suivront %2 ; les décisions déjà prises gardent la leur.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n account(s) now on %1.</source>
        <translation>
            <numerusform>%n compte est maintenant sur %1.</numerusform>
            <numerusform>%n comptes sont maintenant sur %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not moved: %1</source>
        <translation>Non déplacés : %1</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Champ</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>Version %1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucune)</translation>
    </message>
    <message>
        <source>The draft is the same as version %1.</source>
        <translation>Le brouillon est identique à la version %1.</translation>
    </message>
</context>
<context>
    <name>PolicyLibrary</name>
    <message>
        <source>built-in profile &apos;%1&apos; has only version 1</source>
        <translation>le profil intégré « %1 » n&apos;a que la version 1</translation>
    </message>
    <message>
        <source>profile &apos;%1&apos; has no version %2</source>
        <translation>le profil « %1 » n&apos;a pas de version %2</translation>
    </message>
    <message>
        <source>no profile &apos;%1&apos;, built in or stored</source>
        <translation>aucun profil « %1 », ni intégré ni enregistré</translation>
    </message>
    <message>
        <source>id: &apos;%1&apos; is a built-in profile; a company&apos;s own profile takes an id of its own</source>
        <translation>id : « %1 » est un profil intégré ; le profil propre d&apos;une entreprise prend son propre identifiant</translation>
    </message>
</context>
<context>
    <name>PolicyPreview</name>
    <message>
        <source>request %1: %2</source>
        <translation>demande %1 : %2</translation>
    </message>
    <message>
        <source>request %1: a figure is out of range</source>
        <translation>demande %1 : un chiffre est hors limites</translation>
    </message>
</context>
<context>
    <name>PolicyProfile</name>
    <message>
        <source>JSON: %1 at offset %2</source>
        <translation>JSON : %1 à la position %2</translation>
    </message>
    <message>
        <source>a profile is a JSON object</source>
        <translation>un profil est un objet JSON</translation>
    </message>
    <message>
        <source>use lower-case letters, digits, &apos;-&apos; and &apos;_&apos; only</source>
        <translation>n&apos;utilisez que des minuscules, des chiffres, « - » et « _ »</translation>
    </message>
    <message>
        <source>is required: a whole number from 1</source>
        <translation>est requis : un nombre entier à partir de 1</translation>
    </message>
    <message>
        <source>must be a list of dates (YYYY-MM-DD)</source>
        <translation>doit être une liste de dates (AAAA-MM-JJ)</translation>
    </message>
    <message>
        <source>must be a date as YYYY-MM-DD</source>
        <translation>doit être une date au format AAAA-MM-JJ</translation>
    </message>
    <message>
        <source>unknown time zone &apos;%1&apos;</source>
        <translation>fuseau horaire inconnu « %1 »</translation>
    </message>
    <message>
        <source>must be a list</source>
        <translation>doit être une liste</translation>
    </message>
    <message>
        <source>must be suspend_account or clawback_credits</source>
        <translation>doit être suspend_account ou clawback_credits</translation>
    </message>
    <message>
        <source>must be deny, review_credit_restore or review_unused_share</source>
        <translation>doit être deny, review_credit_restore ou review_unused_share</translation>
    </message>
    <message>
        <source>must be an object of clauses by role</source>
        <translation>doit être un objet de clauses par rôle</translation>
    </message>
    <message>
        <source>is missing (every role needs a clause)</source>
        <translation>manque (chaque rôle a besoin d&apos;une clause)</translation>
    </message>
    <message>
        <source>must be a non-empty string</source>
        <translation>doit être une chaîne non vide</translation>
    </message>
    <message>
        <source>is not a clause role the engine knows</source>
        <translation>n&apos;est pas un rôle de clause connu du moteur</translation>
    </message>
</context>
<context>
    <name>PolicyProfileText</name>
    <message>
        <source>Violation forfeits credits</source>
        <translation>Une infraction fait perdre les crédits</translation>
    </message>
    <message>
        <source>The account was closed for a policy violation; its balance is forfeited.</source>
        <translation>Le compte a été fermé pour infraction à la politique ; son solde est perdu.</translation>
    </message>
    <message>
        <source>Suspended account</source>
        <translation>Compte suspendu</translation>
    </message>
    <message>
        <source>The account is suspended: a person reviews the request.</source>
        <translation>Le compte est suspendu : une personne examine la demande.</translation>
    </message>
    <message>
        <source>Consumer-protection law</source>
        <translation>Droit de la consommation</translation>
    </message>
    <message>
        <source>The customer claims a statutory right: a person reviews it under applicable law.</source>
        <translation>Le client invoque un droit légal : une personne l&apos;examine selon le droit applicable.</translation>
    </message>
    <message>
        <source>Chargebacks</source>
        <translation>Rétrofacturations</translation>
    </message>
    <message>
        <source>A chargeback filed without contacting support first suspends the account while it is reviewed.</source>
        <translation>Une rétrofacturation sans contact préalable avec le support suspend le compte pendant son examen.</translation>
    </message>
    <message>
        <source>Open payment dispute</source>
        <translation>Litige de paiement en cours</translation>
    </message>
    <message>
        <source>The purchase is under a bank dispute: refunding it now would pay twice.</source>
        <translation>L&apos;achat fait l&apos;objet d&apos;un litige bancaire : le rembourser maintenant reviendrait à payer deux fois.</translation>
    </message>
    <message>
        <source>Credited back once</source>
        <translation>Recréditée une seule fois</translation>
    </message>
    <message>
        <source>This generation was already compensated once; no one is compensated twice.</source>
        <translation>Cette génération a déjà été indemnisée une fois ; personne n&apos;est indemnisé deux fois.</translation>
    </message>
    <message>
        <source>Output delivered</source>
        <translation>Résultat livré</translation>
    </message>
    <message>
        <source>The job delivered an output; the result&apos;s quality is no ground for a refund.</source>
        <translation>La tâche a livré un résultat ; sa qualité ne justifie pas un remboursement.</translation>
    </message>
    <message>
        <source>Failed generation credited back</source>
        <translation>Génération en échec recréditée</translation>
    </message>
    <message>
        <source>The job failed on the platform&apos;s side: its credits are restored.</source>
        <translation>La tâche a échoué du côté de la plateforme : ses crédits sont restitués.</translation>
    </message>
    <message>
        <source>Failure not on our side</source>
        <translation>Échec qui ne vient pas de nous</translation>
    </message>
    <message>
        <source>Only failures verified as a technical error on the platform&apos;s side are credited back.</source>
        <translation>Seuls les échecs vérifiés comme erreur technique de la plateforme sont recrédités.</translation>
    </message>
    <message>
        <source>Failure to verify</source>
        <translation>Échec à vérifier</translation>
    </message>
    <message>
        <source>The cause of the failure is not known: a person verifies it before crediting back.</source>
        <translation>La cause de l&apos;échec est inconnue : une personne la vérifie avant tout recrédit.</translation>
    </message>
    <message>
        <source>Dissatisfaction with output</source>
        <translation>Insatisfaction quant au résultat</translation>
    </message>
    <message>
        <source>Dissatisfaction with the result is not a ground for a refund.</source>
        <translation>L&apos;insatisfaction quant au résultat ne justifie pas un remboursement.</translation>
    </message>
    <message>
        <source>Purchases are final</source>
        <translation>Les achats sont définitifs</translation>
    </message>
    <message>
        <source>Subscription fees are final once the billing cycle has started.</source>
        <translation>Les frais d&apos;abonnement sont définitifs dès que la période de facturation a commencé.</translation>
    </message>
    <message>
        <source>Credit purchases are final, used or not.</source>
        <translation>Les achats de crédits sont définitifs, utilisés ou non.</translation>
    </message>
    <message>
        <source>Billing errors reviewed</source>
        <translation>Erreurs de facturation examinées</translation>
    </message>
    <message>
        <source>A duplicate charge is reviewed by a person; the extra charges go back to the original payment method.</source>
        <translation>Un double prélèvement est examiné par une personne ; les prélèvements en trop reviennent sur le moyen de paiement d&apos;origine.</translation>
    </message>
    <message>
        <source>Only one charge is on record: a person checks the claimed duplicate.</source>
        <translation>Un seul prélèvement est enregistré : une personne vérifie le doublon allégué.</translation>
    </message>
    <message>
        <source>A charge of the wrong amount is reviewed by a person.</source>
        <translation>Un prélèvement d&apos;un montant erroné est examiné par une personne.</translation>
    </message>
    <message>
        <source>Credits paid for but never delivered are reviewed by a person and restored.</source>
        <translation>Les crédits payés mais jamais livrés sont examinés par une personne et restitués.</translation>
    </message>
    <message>
        <source>The credits of this purchase were delivered: a person checks the claim.</source>
        <translation>Les crédits de cet achat ont été livrés : une personne vérifie la réclamation.</translation>
    </message>
    <message>
        <source>Outages are not a ground for a refund under this policy.</source>
        <translation>Les pannes ne justifient pas de remboursement selon cette politique.</translation>
    </message>
    <message>
        <source>Refund already approved</source>
        <translation>Remboursement déjà approuvé</translation>
    </message>
    <message>
        <source>This purchase already received this remedy, or everything it paid or delivered has gone back: no one is compensated twice.</source>
        <translation>Cet achat a déjà reçu ce remède, ou tout ce qu&apos;il a payé ou livré a été rendu : personne n&apos;est indemnisé deux fois.</translation>
    </message>
    <message>
        <source>Account termination</source>
        <translation>Résiliation du compte</translation>
    </message>
    <message>
        <source>Statutory rights</source>
        <translation>Droits légaux</translation>
    </message>
    <message>
        <source>Bank dispute</source>
        <translation>Litige bancaire</translation>
    </message>
    <message>
        <source>The bank reports a dispute; the policy names no account action: a person reviews it.</source>
        <translation>La banque signale un litige ; la politique ne prévoit aucune mesure sur le compte : une personne l&apos;examine.</translation>
    </message>
    <message>
        <source>Failed processing jobs</source>
        <translation>Tâches de traitement en échec</translation>
    </message>
    <message>
        <source>Dissatisfaction with results</source>
        <translation>Insatisfaction quant aux résultats</translation>
    </message>
    <message>
        <source>Invalid input</source>
        <translation>Entrée invalide</translation>
    </message>
    <message>
        <source>The job failed because of the user&apos;s input or prompt: credits are not restored.</source>
        <translation>La tâche a échoué à cause de l&apos;entrée ou du prompt de l&apos;utilisateur : les crédits ne sont pas restitués.</translation>
    </message>
    <message>
        <source>30-day limit</source>
        <translation>Limite de 30 jours</translation>
    </message>
    <message>
        <source>The request came more than 30 days after the purchase.</source>
        <translation>La demande est arrivée plus de 30 jours après l&apos;achat.</translation>
    </message>
    <message>
        <source>Duplicate charges</source>
        <translation>Doubles prélèvements</translation>
    </message>
    <message>
        <source>The duplicate charges are refunded in full to the original payment method.</source>
        <translation>Les prélèvements en double sont intégralement remboursés sur le moyen de paiement d&apos;origine.</translation>
    </message>
    <message>
        <source>Reason for the request</source>
        <translation>Motif de la demande</translation>
    </message>
    <message>
        <source>Technical failures</source>
        <translation>Défaillances techniques</translation>
    </message>
    <message>
        <source>The purchased credits never arrived: they are credited now.</source>
        <translation>Les crédits achetés ne sont jamais arrivés : ils sont crédités maintenant.</translation>
    </message>
    <message>
        <source>Service unavailability</source>
        <translation>Indisponibilité du service</translation>
    </message>
    <message>
        <source>Downtime of more than 48 consecutive hours overlapped this purchase: the unused share may be refunded.</source>
        <translation>Une interruption de plus de 48 heures consécutives a touché cet achat : la part inutilisée peut être remboursée.</translation>
    </message>
    <message>
        <source>No downtime of more than 48 consecutive hours overlapped this purchase.</source>
        <translation>Aucune interruption de plus de 48 heures consécutives n&apos;a touché cet achat.</translation>
    </message>
    <message>
        <source>One remedy per purchase</source>
        <translation>Un remède par achat</translation>
    </message>
    <message>
        <source>Account-specific issues</source>
        <translation>Problèmes propres au compte</translation>
    </message>
    <message>
        <source>The account was closed for a policy violation and the policy is silent on it: a person decides.</source>
        <translation>Le compte a été fermé pour infraction et la politique ne dit rien à ce sujet : une personne décide.</translation>
    </message>
    <message>
        <source>Suspension during disputes</source>
        <translation>Suspension pendant les litiges</translation>
    </message>
    <message>
        <source>Applicable law</source>
        <translation>Droit applicable</translation>
    </message>
    <message>
        <source>Chargebacks and payment disputes</source>
        <translation>Rétrofacturations et litiges de paiement</translation>
    </message>
    <message>
        <source>A chargeback suspends the account and the disputed credits are clawed back while it is investigated.</source>
        <translation>Une rétrofacturation suspend le compte et les crédits contestés sont repris pendant l&apos;enquête.</translation>
    </message>
    <message>
        <source>Automatic credit return</source>
        <translation>Restitution automatique des crédits</translation>
    </message>
    <message>
        <source>No refunds after processing</source>
        <translation>Aucun remboursement après traitement</translation>
    </message>
    <message>
        <source>The request failed on the platform&apos;s side: its credits are returned as a credit adjustment.</source>
        <translation>La requête a échoué du côté de la plateforme : ses crédits sont rendus sous forme d&apos;ajustement de crédits.</translation>
    </message>
    <message>
        <source>Only failures eligible under the usage accounting rules are credited back; this one was caused by the request itself.</source>
        <translation>Seuls les échecs éligibles selon les règles de décompte d&apos;usage sont recrédités ; celui-ci a été causé par la requête elle-même.</translation>
    </message>
    <message>
        <source>Technical incidents</source>
        <translation>Incidents techniques</translation>
    </message>
    <message>
        <source>No refunds after recharge</source>
        <translation>Aucun remboursement après recharge</translation>
    </message>
    <message>
        <source>Recharges are final, including unused credits and accidental or duplicate purchases by the account holder.</source>
        <translation>Les recharges sont définitives, y compris les crédits inutilisés et les achats accidentels ou en double du titulaire du compte.</translation>
    </message>
    <message>
        <source>Duplicate charges reviewed</source>
        <translation>Doubles prélèvements examinés</translation>
    </message>
    <message>
        <source>Duplicate charges are reviewed at the company&apos;s discretion and corrected as a credit adjustment.</source>
        <translation>Les doubles prélèvements sont examinés à la discrétion de l&apos;entreprise et corrigés par un ajustement de crédits.</translation>
    </message>
    <message>
        <source>Payment processor errors reviewed</source>
        <translation>Erreurs du prestataire de paiement examinées</translation>
    </message>
    <message>
        <source>Billing errors are reviewed at the company&apos;s discretion and corrected as a credit adjustment.</source>
        <translation>Les erreurs de facturation sont examinées à la discrétion de l&apos;entreprise et corrigées par un ajustement de crédits.</translation>
    </message>
    <message>
        <source>Credits paid for but never delivered are reviewed and restored as a credit adjustment.</source>
        <translation>Les crédits payés mais jamais livrés sont examinés et restitués par un ajustement de crédits.</translation>
    </message>
    <message>
        <source>Technical incidents are reviewed at the company&apos;s discretion; a correction is a credit adjustment.</source>
        <translation>Les incidents techniques sont examinés à la discrétion de l&apos;entreprise ; une correction prend la forme d&apos;un ajustement de crédits.</translation>
    </message>
    <message>
        <source>Corrections already made</source>
        <translation>Corrections déjà effectuées</translation>
    </message>
    <message>
        <source>Not covered by the policy</source>
        <translation>Non couvert par la politique</translation>
    </message>
    <message>
        <source>Chargebacks and disputes</source>
        <translation>Rétrofacturations et litiges</translation>
    </message>
    <message>
        <source>A chargeback suspends the account while it is investigated.</source>
        <translation>Une rétrofacturation suspend le compte pendant l&apos;enquête.</translation>
    </message>
    <message>
        <source>Failed or interrupted jobs</source>
        <translation>Tâches en échec ou interrompues</translation>
    </message>
    <message>
        <source>Completed services</source>
        <translation>Services fournis</translation>
    </message>
    <message>
        <source>User error</source>
        <translation>Erreur de l&apos;utilisateur</translation>
    </message>
    <message>
        <source>Subscription charges</source>
        <translation>Frais d&apos;abonnement</translation>
    </message>
    <message>
        <source>Subscription fees are final once the billing cycle has started; there is no proration.</source>
        <translation>Les frais d&apos;abonnement sont définitifs dès que la période de facturation a commencé ; il n&apos;y a pas de prorata.</translation>
    </message>
    <message>
        <source>Unused credits within 7 days</source>
        <translation>Crédits inutilisés sous 7 jours</translation>
    </message>
    <message>
        <source>The request came more than 7 days after the purchase.</source>
        <translation>La demande est arrivée plus de 7 jours après l&apos;achat.</translation>
    </message>
    <message>
        <source>Unused credits refunded within 7 days, minus processor fees.</source>
        <translation>Les crédits inutilisés sont remboursés sous 7 jours, moins les frais du prestataire de paiement.</translation>
    </message>
    <message>
        <source>No refund after 7 days or use</source>
        <translation>Aucun remboursement après 7 jours ou après usage</translation>
    </message>
    <message>
        <source>Credits were used, or the request came more than 7 days after the purchase: no refund.</source>
        <translation>Des crédits ont été utilisés, ou la demande est arrivée plus de 7 jours après l&apos;achat : aucun remboursement.</translation>
    </message>
    <message>
        <source>Refund requests reviewed</source>
        <translation>Demandes de remboursement examinées</translation>
    </message>
    <message>
        <source>Refund already processed</source>
        <translation>Remboursement déjà effectué</translation>
    </message>
    <message>
        <source>Abuse prevention</source>
        <translation>Prévention des abus</translation>
    </message>
    <message>
        <source>Exceptional cases</source>
        <translation>Cas exceptionnels</translation>
    </message>
    <message>
        <source>No duplicate compensation</source>
        <translation>Pas de double indemnisation</translation>
    </message>
    <message>
        <source>No refunds for subjective results</source>
        <translation>Aucun remboursement pour des résultats subjectifs</translation>
    </message>
    <message>
        <source>Credit-back guarantee</source>
        <translation>Garantie de recrédit</translation>
    </message>
    <message>
        <source>The guarantee covers platform errors only; a failure caused by the input is not credited back.</source>
        <translation>La garantie ne couvre que les erreurs de la plateforme ; un échec causé par l&apos;entrée n&apos;est pas recrédité.</translation>
    </message>
    <message>
        <source>A duplicate charge is a billing error: a person reviews it and returns the extra charges.</source>
        <translation>Un double prélèvement est une erreur de facturation : une personne l&apos;examine et rend les prélèvements en trop.</translation>
    </message>
    <message>
        <source>Duplicate compensation</source>
        <translation>Double indemnisation</translation>
    </message>
</context>
<context>
    <name>ProcessorWebhook</name>
    <message>
        <source>the Stripe-Signature header needs t=... and at least one v1=...</source>
        <translation>l&apos;en-tête Stripe-Signature exige t=... et au moins un v1=...</translation>
    </message>
    <message>
        <source>the signature&apos;s time %1 is more than %2 s from now (%3): a replay is refused</source>
        <translation>l&apos;heure de la signature %1 est à plus de %2 s de maintenant (%3) : un rejeu est refusé</translation>
    </message>
    <message>
        <source>no v1 signature matches the body with the webhook secret</source>
        <translation>aucune signature v1 ne correspond au corps avec le secret du webhook</translation>
    </message>
    <message>
        <source>the body is not a Stripe event (id, type, data.object)</source>
        <translation>le corps n&apos;est pas un événement Stripe (id, type, data.object)</translation>
    </message>
    <message>
        <source>%1 %2 refused; nothing was written: %3</source>
        <translation>%1 %2 refusé ; rien n&apos;a été écrit : %3</translation>
    </message>
    <message>
        <source>data.object is not a refund</source>
        <translation>data.object n&apos;est pas un remboursement</translation>
    </message>
    <message>
        <source>refund %1 is not one of our payouts</source>
        <translation>le remboursement %1 n&apos;est pas l&apos;un de nos versements</translation>
    </message>
    <message>
        <source>events of type %1 are not used</source>
        <translation>les événements de type %1 ne sont pas utilisés</translation>
    </message>
    <message>
        <source>the dispute has no id</source>
        <translation>le litige n&apos;a pas d&apos;identifiant</translation>
    </message>
    <message>
        <source>purchase %1 is already disputed by another case</source>
        <translation>l&apos;achat %1 est déjà contesté dans un autre dossier</translation>
    </message>
    <message>
        <source>card dispute %1 (%2)</source>
        <translation>litige carte %1 (%2)</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>aucun motif indiqué</translation>
    </message>
    <message>
        <source>a closed dispute is won, lost or warning_closed, not &quot;%1&quot;</source>
        <translation>un litige clos est won, lost ou warning_closed, pas « %1 »</translation>
    </message>
    <message>
        <source>no chargeback case for dispute %1</source>
        <translation>aucun dossier de rétrofacturation pour le litige %1</translation>
    </message>
    <message>
        <source>the card network closed dispute %1: %2</source>
        <translation>le réseau de cartes a clos le litige %1 : %2</translation>
    </message>
</context>
<context>
    <name>ProfileCatalog</name>
    <message>
        <source>policy profile &apos;%1&apos; is neither built in nor stored in the database</source>
        <translation>le profil de politique « %1 » n&apos;est ni intégré ni enregistré dans la base</translation>
    </message>
    <message>
        <source>stored policy profile &apos;%1&apos; version %2: %3</source>
        <translation>profil de politique enregistré « %1 » version %2 : %3</translation>
    </message>
</context>
<context>
    <name>PurchaseTableModel</name>
    <message>
        <source>Purchase</source>
        <translation>Achat</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Account ID</source>
        <translation>N° de compte</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
    <message>
        <source>Package</source>
        <translation>Forfait</translation>
    </message>
    <message>
        <source>Credits</source>
        <translation>Crédits</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Montant</translation>
    </message>
    <message>
        <source>Fee</source>
        <translation>Frais</translation>
    </message>
    <message>
        <source>Charges</source>
        <translation>Prélèvements</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>Remboursé</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Livré</translation>
    </message>
    <message>
        <source>Disputed</source>
        <translation>Contesté</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>Paiement</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Devise</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <source>Assigned to &amp;me</source>
        <translation>&amp;Attribuées à moi</translation>
    </message>
    <message>
        <source>&amp;Overdue</source>
        <translation>En &amp;retard</translation>
    </message>
    <message>
        <source>Show the whole queue</source>
        <translation>Afficher toute la file</translation>
    </message>
    <message>
        <source>Drop the slice and keep the filters above</source>
        <translation>Abandonner la sélection et garder les filtres ci-dessus</translation>
    </message>
    <message>
        <source>Refund requests</source>
        <translation>Demandes de remboursement</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouvertes</translation>
    </message>
    <message>
        <source>Waiting for my approval</source>
        <translation>En attente de mon approbation</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Tous les statuts</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>All types</source>
        <translation>Tous les types</translation>
    </message>
    <message>
        <source>Request type</source>
        <translation>Type de demande</translation>
    </message>
    <message>
        <source>All profiles</source>
        <translation>Tous les profils</translation>
    </message>
    <message>
        <source>Policy profile</source>
        <translation>Profil de politique</translation>
    </message>
    <message>
        <source>Search email, request, purchase or job id  ( / )</source>
        <translation>Rechercher e-mail, n° de demande, d&apos;achat ou de tâche  ( / )</translation>
    </message>
    <message>
        <source>Saved views</source>
        <translation>Vues enregistrées</translation>
    </message>
    <message>
        <source>Save view…</source>
        <translation>Enregistrer la vue…</translation>
    </message>
    <message>
        <source>Save the current filters under a name</source>
        <translation>Enregistrer les filtres actuels sous un nom</translation>
    </message>
    <message>
        <source>Delete view</source>
        <translation>Supprimer la vue</translation>
    </message>
    <message>
        <source>Delete the selected saved view</source>
        <translation>Supprimer la vue enregistrée choisie</translation>
    </message>
    <message>
        <source>Requests assigned to %1</source>
        <translation>Demandes attribuées à %1</translation>
    </message>
    <message>
        <source>account #%1</source>
        <translation>compte n° %1</translation>
    </message>
    <message>
        <source>decided on %1 (UTC)</source>
        <translation>décidées le %1 (UTC)</translation>
    </message>
    <message>
        <source>decided %1 to %2 (UTC)</source>
        <translation>décidées du %1 au %2 (UTC)</translation>
    </message>
    <message>
        <source>by %1</source>
        <translation>par %1</translation>
    </message>
    <message>
        <source>overriding the recommendation</source>
        <translation>contre la recommandation</translation>
    </message>
    <message>
        <source>answered after the answer date</source>
        <translation>répondues après la date de réponse</translation>
    </message>
    <message>
        <source>answered by the answer date</source>
        <translation>répondues avant la date de réponse</translation>
    </message>
    <message>
        <source>Only requests %1.</source>
        <translation>Seulement les demandes %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n+ requests, counting…</source>
        <translation>
            <numerusform>%n+ demande, comptage…</numerusform>
            <numerusform>%n+ demandes, comptage…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n request(s)</source>
        <translation>
            <numerusform>%n demande</numerusform>
            <numerusform>%n demandes</numerusform>
        </translation>
    </message>
    <message>
        <source>Save view</source>
        <translation>Enregistrer la vue</translation>
    </message>
    <message>
        <source>Name of this view:</source>
        <translation>Nom de cette vue :</translation>
    </message>
    <message>
        <source>A view named &quot;%1&quot; exists. Replace it?</source>
        <translation>Une vue nommée « %1 » existe. La remplacer ?</translation>
    </message>
    <message>
        <source>Delete the saved view &quot;%1&quot;?</source>
        <translation>Supprimer la vue enregistrée « %1 » ?</translation>
    </message>
</context>
<context>
    <name>Reader</name>
    <message>
        <source>must be a non-empty string</source>
        <translation>doit être une chaîne non vide</translation>
    </message>
    <message>
        <source>must be a whole number from %1 to %2, or null</source>
        <translation>doit être un nombre entier de %1 à %2, ou null</translation>
    </message>
    <message>
        <source>must be true or false</source>
        <translation>doit être true ou false</translation>
    </message>
    <message>
        <source>unexpected value &apos;%1&apos;</source>
        <translation>valeur inattendue « %1 »</translation>
    </message>
</context>
<context>
    <name>RecommendationDelegate</name>
    <message>
        <source>Approve</source>
        <translation>Approuver</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>Refuser</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Examiner</translation>
    </message>
    <message>
        <source>Not triaged</source>
        <translation>Non pré-examinée</translation>
    </message>
</context>
<context>
    <name>RecordTableView</name>
    <message>
        <source>any</source>
        <translation>tous</translation>
    </message>
    <message>
        <source>Account ID</source>
        <translation>N° de compte</translation>
    </message>
    <message>
        <source>Any cause</source>
        <translation>Toutes les causes</translation>
    </message>
    <message>
        <source>All profiles</source>
        <translation>Tous les profils</translation>
    </message>
    <message>
        <source>From this day</source>
        <translation>À partir de ce jour</translation>
    </message>
    <message>
        <source>To this day, inclusive</source>
        <translation>Jusqu&apos;à ce jour inclus</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Du</translation>
    </message>
    <message>
        <source>to</source>
        <translation>au</translation>
    </message>
    <message>
        <source>From this UTC day (a slice of the dashboard)</source>
        <translation>À partir de ce jour UTC (une sélection du tableau de bord)</translation>
    </message>
    <message>
        <source>To this UTC day, inclusive (a slice of the dashboard)</source>
        <translation>Jusqu&apos;à ce jour UTC inclus (une sélection du tableau de bord)</translation>
    </message>
    <message>
        <source>%1 rows</source>
        <translation>%1 lignes</translation>
    </message>
    <message>
        <source>%1+ rows, counting…</source>
        <translation>%1+ lignes, comptage…</translation>
    </message>
</context>
<context>
    <name>RefundWorkflow</name>
    <message>
        <source>request %1: </source>
        <translation>demande %1 : </translation>
    </message>
    <message>
        <source>Automatic credit-back: the job failed on the platform&apos;s side.</source>
        <translation>Recrédit automatique : la tâche a échoué du côté de la plateforme.</translation>
    </message>
    <message>
        <source>request %1 is waiting for a second approval: a lead approves it or sends it back</source>
        <translation>la demande %1 attend une seconde approbation : un responsable l&apos;approuve ou la renvoie</translation>
    </message>
    <message>
        <source>request %1 is no longer open</source>
        <translation>la demande %1 n&apos;est plus ouverte</translation>
    </message>
    <message>
        <source>the policy recommends %1 (%2); deciding otherwise is an override: confirm it and give a note</source>
        <translation>la politique recommande %1 (%2) ; décider autrement est une dérogation : confirmez-la et ajoutez une note</translation>
    </message>
    <message>
        <source>an override of the policy (%1) needs a note saying why</source>
        <translation>une dérogation à la politique (%1) exige une note expliquant pourquoi</translation>
    </message>
    <message>
        <source>a denial needs a reason</source>
        <translation>un refus exige un motif</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>a chargeback is settled by the bank: no amount can be given</source>
        <translation>une rétrofacturation est réglée par la banque : aucun montant ne peut être indiqué</translation>
    </message>
    <message>
        <source>request %1 is a chargeback case without a chargeback record</source>
        <translation>la demande %1 est un dossier de rétrofacturation sans enregistrement de rétrofacturation</translation>
    </message>
    <message>
        <source>chargeback %1 changed meanwhile</source>
        <translation>la rétrofacturation %1 a changé entre-temps</translation>
    </message>
    <message>
        <source>the policy names no remedy here: give the amount to refund</source>
        <translation>la politique n&apos;indique ici aucun remède : indiquez le montant à rembourser</translation>
    </message>
    <message>
        <source>request %1 names no purchase to refund</source>
        <translation>la demande %1 ne désigne aucun achat à rembourser</translation>
    </message>
    <message>
        <source>the amount to refund must be positive, not %1 cents</source>
        <translation>le montant à rembourser doit être positif, pas %1 centimes</translation>
    </message>
    <message>
        <source>%1 is above the recommended %2: an approval may lower the amount, never raise it</source>
        <translation>%1 dépasse les %2 recommandés : une approbation peut réduire le montant, jamais l&apos;augmenter</translation>
    </message>
    <message>
        <source>the policy names no amount here: give the amount to refund</source>
        <translation>la politique n&apos;indique ici aucun montant : indiquez le montant à rembourser</translation>
    </message>
    <message>
        <source>%1 is more than the %2 still refundable on purchase %3 (paid %4): %5</source>
        <translation>%1 dépasse les %2 encore remboursables sur l&apos;achat %3 (payé %4) : %5</translation>
    </message>
    <message>
        <source>credits returned with the money refund</source>
        <translation>crédits rendus avec le remboursement en argent</translation>
    </message>
    <message>
        <source>this remedy restores credits: no money amount can be given</source>
        <translation>ce remède restitue des crédits : aucun montant en argent ne peut être indiqué</translation>
    </message>
    <message>
        <source>the policy names no credits to restore here</source>
        <translation>la politique n&apos;indique ici aucun crédit à restituer</translation>
    </message>
    <message>
        <source>job %1 did not fail: only a failed job is credited back</source>
        <translation>la tâche %1 n&apos;a pas échoué : seule une tâche en échec est recréditée</translation>
    </message>
    <message>
        <source>job %1 was already credited back: a generation is compensated once</source>
        <translation>la tâche %1 a déjà été recréditée : une génération n&apos;est indemnisée qu&apos;une fois</translation>
    </message>
    <message>
        <source>credit-back of a failed job</source>
        <translation>recrédit d&apos;une tâche en échec</translation>
    </message>
    <message>
        <source>%1 credits are more than the %2 still restorable on purchase %3: %4</source>
        <translation>%1 crédits dépassent les %2 encore restituables sur l&apos;achat %3 : %4</translation>
    </message>
    <message>
        <source>credits restored</source>
        <translation>crédits restitués</translation>
    </message>
    <message>
        <source>no refund request with id %1</source>
        <translation>aucune demande de remboursement avec l&apos;identifiant %1</translation>
    </message>
    <message>
        <source>request %1 is already decided</source>
        <translation>la demande %1 est déjà décidée</translation>
    </message>
    <message>
        <source>the note is empty</source>
        <translation>la note est vide</translation>
    </message>
    <message>
        <source>automatic credit-back</source>
        <translation>recrédit automatique</translation>
    </message>
    <message>
        <source>no purchase with id %1</source>
        <translation>aucun achat avec l&apos;identifiant %1</translation>
    </message>
    <message>
        <source>a job spends a positive number of credits, not %1</source>
        <translation>une tâche dépense un nombre positif de crédits, pas %1</translation>
    </message>
    <message>
        <source>no account with id %1</source>
        <translation>aucun compte avec l&apos;identifiant %1</translation>
    </message>
    <message>
        <source>account %1 has %2 credits; the job needs %3</source>
        <translation>le compte %1 a %2 crédits ; la tâche en demande %3</translation>
    </message>
    <message>
        <source>a job failure needs a cause: platform, user or unknown</source>
        <translation>un échec de tâche exige une cause : platform, user ou unknown</translation>
    </message>
    <message>
        <source>no job with id %1</source>
        <translation>aucune tâche avec l&apos;identifiant %1</translation>
    </message>
    <message>
        <source>job %1 has already failed</source>
        <translation>la tâche %1 a déjà échoué</translation>
    </message>
    <message>
        <source>purchase %1 is already disputed</source>
        <translation>l&apos;achat %1 est déjà contesté</translation>
    </message>
    <message>
        <source>chargeback clawback</source>
        <translation>reprise pour rétrofacturation</translation>
    </message>
    <message>
        <source>request %1 is not waiting for a second approval</source>
        <translation>la demande %1 n&apos;attend pas de seconde approbation</translation>
    </message>
    <message>
        <source>request %1 has no first approval to approve</source>
        <translation>la demande %1 n&apos;a pas de première approbation à approuver</translation>
    </message>
    <message>
        <source>%1 gave the first approval of request %2: the second must come from another lead</source>
        <translation>%1 a donné la première approbation de la demande %2 : la seconde doit venir d&apos;un autre responsable</translation>
    </message>
    <message>
        <source>the policy&apos;s recommendation for request %1 changed since the first approval (it now says %2): send it back to be decided again</source>
        <translation>la recommandation de la politique pour la demande %1 a changé depuis la première approbation (elle dit maintenant %2) : renvoyez-la pour une nouvelle décision</translation>
    </message>
    <message>
        <source>a reversal needs a reason</source>
        <translation>une annulation exige un motif</translation>
    </message>
    <message>
        <source>a reversal needs the lead&apos;s name</source>
        <translation>une annulation exige le nom du responsable</translation>
    </message>
    <message>
        <source>request %1 is not decided: there is nothing to reverse</source>
        <translation>la demande %1 n&apos;est pas décidée : il n&apos;y a rien à annuler</translation>
    </message>
    <message>
        <source>the decision of request %1 was already reversed by %2; the case continues in request %3</source>
        <translation>la décision de la demande %1 a déjà été annulée par %2 ; le dossier continue dans la demande %3</translation>
    </message>
    <message>
        <source>request %1 is a chargeback case: the bank settles it, its decision is not reversed here</source>
        <translation>la demande %1 est un dossier de rétrofacturation : la banque le règle, sa décision n&apos;est pas annulée ici</translation>
    </message>
    <message>
        <source>%1 went back to the card (payout %2): money paid out cannot be reversed here</source>
        <translation>%1 est reparti sur la carte (versement %2) : l&apos;argent versé ne peut pas être repris ici</translation>
    </message>
    <message>
        <source>payout %1 of %2 is %3: a decision is reversed only once its money did not leave (the payout failed)</source>
        <translation>le versement %1 de %2 est %3 : une décision n&apos;est annulée que si son argent n&apos;est pas parti (le versement a échoué)</translation>
    </message>
    <message>
        <source>request %1 credited back failed job %2: a job&apos;s credit-back follows its failure and is not reversed</source>
        <translation>la demande %1 a recrédité la tâche en échec %2 : le recrédit d&apos;une tâche découle de son échec et n&apos;est pas annulé</translation>
    </message>
    <message>
        <source>account %1 holds %2 credits but the decision restored %3: credits already spent cannot be taken back</source>
        <translation>le compte %1 a %2 crédits mais la décision en a restitué %3 : les crédits déjà dépensés ne peuvent pas être repris</translation>
    </message>
    <message>
        <source>reversal of the decision of request %1: %2</source>
        <translation>annulation de la décision de la demande %1 : %2</translation>
    </message>
    <message>
        <source>say which accounts: one account, or every account on a profile</source>
        <translation>indiquez quels comptes : un compte, ou chaque compte d&apos;un profil</translation>
    </message>
    <message>
        <source>policy profile %1 -&gt; %2</source>
        <translation>profil de politique %1 -&gt; %2</translation>
    </message>
    <message>
        <source>sending a request back needs a note saying why</source>
        <translation>renvoyer une demande exige une note expliquant pourquoi</translation>
    </message>
    <message>
        <source>request %1 changed meanwhile</source>
        <translation>la demande %1 a changé entre-temps</translation>
    </message>
    <message>
        <source>a decision needs the reviewer&apos;s name</source>
        <translation>une décision exige le nom de l&apos;examinateur</translation>
    </message>
    <message>
        <source>request %1: a figure of this decision is out of range; nothing was written</source>
        <translation>demande %1 : un chiffre de cette décision est hors limites ; rien n&apos;a été écrit</translation>
    </message>
    <message>
        <source>the database refused a second compensation or decision (%1)</source>
        <translation>la base a refusé une seconde indemnisation ou décision (%1)</translation>
    </message>
</context>
<context>
    <name>ReplyDraft</name>
    <message>
        <source>Hello,</source>
        <translation>Bonjour,</translation>
    </message>
    <message>
        <source>Hello %1,</source>
        <translation>Bonjour %1,</translation>
    </message>
    <message>
        <source>thank you for contacting us about your request.</source>
        <translation>merci de nous avoir contactés au sujet de votre demande.</translation>
    </message>
    <message>
        <source>We have approved a refund of %1 to your original payment method.</source>
        <translation>Nous avons approuvé un remboursement de %1 sur votre moyen de paiement d&apos;origine.</translation>
    </message>
    <message numerus="yes">
        <source>We have restored %n credit(s) to your account.</source>
        <translation>
            <numerusform>Nous avons restitué %n crédit sur votre compte.</numerusform>
            <numerusform>Nous avons restitué %n crédits sur votre compte.</numerusform>
        </translation>
    </message>
    <message>
        <source>We have approved your request.</source>
        <translation>Nous avons approuvé votre demande.</translation>
    </message>
    <message>
        <source>After reviewing your account we are unable to offer a refund in this case.</source>
        <translation>Après examen de votre compte, nous ne sommes malheureusement pas en mesure de vous proposer un remboursement dans ce cas.</translation>
    </message>
    <message>
        <source>Your request needs a closer look by our billing team; we will come back to you shortly.</source>
        <translation>Votre demande doit être examinée de plus près par notre équipe de facturation ; nous revenons vers vous très vite.</translation>
    </message>
    <message>
        <source>Our refund policy (%1) says:</source>
        <translation>Notre politique de remboursement (%1) indique :</translation>
    </message>
    <message>
        <source>You will hear from us by %1.</source>
        <translation>Vous aurez de nos nouvelles d&apos;ici le %1.</translation>
    </message>
    <message>
        <source>Kind regards,
The %1 billing team</source>
        <translation>Bien cordialement,
L&apos;équipe de facturation de %1</translation>
    </message>
</context>
<context>
    <name>ReportCatalog</name>
    <message>
        <source>every ledger entry: purchases, usage, credit-backs, refunds</source>
        <translation>chaque écriture : achats, consommation, recrédits, remboursements</translation>
    </message>
    <message>
        <source>purchases with what was paid, refunded and disputed</source>
        <translation>achats avec ce qui a été payé, remboursé et contesté</translation>
    </message>
    <message>
        <source>refund requests with the policy&apos;s recommendation</source>
        <translation>demandes de remboursement avec la recommandation de la politique</translation>
    </message>
    <message>
        <source>decided requests with the amounts, credits and remedies granted</source>
        <translation>demandes décidées avec les montants, crédits et remèdes accordés</translation>
    </message>
    <message>
        <source>failed generation jobs and whether they were credited back</source>
        <translation>tâches de génération en échec et si elles ont été recréditées</translation>
    </message>
    <message>
        <source>chargebacks the banks reported and how they ended</source>
        <translation>rétrofacturations signalées par les banques et leur issue</translation>
    </message>
    <message>
        <source>each request&apos;s answer date and when it was answered</source>
        <translation>la date de réponse de chaque demande et quand elle a été répondue</translation>
    </message>
    <message>
        <source>per month and currency: revenue, refunds and their share</source>
        <translation>par mois et par devise : chiffre d&apos;affaires, remboursements et leur part</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>For E&amp;xcel (UTF-8 byte order mark)</source>
        <translation>Pour E&amp;xcel (marque d&apos;ordre des octets UTF-8)</translation>
    </message>
    <message>
        <source>Export a report</source>
        <translation>Exporter un rapport</translation>
    </message>
    <message>
        <source>All profiles</source>
        <translation>Tous les profils</translation>
    </message>
    <message>
        <source>&amp;Report:</source>
        <translation>&amp;Rapport :</translation>
    </message>
    <message>
        <source>&amp;From (UTC):</source>
        <translation>&amp;Du (UTC) :</translation>
    </message>
    <message>
        <source>&amp;To (UTC, inclusive):</source>
        <translation>&amp;Au (UTC, inclus) :</translation>
    </message>
    <message>
        <source>&amp;Profile:</source>
        <translation>&amp;Profil :</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Exporter…</translation>
    </message>
</context>
<context>
    <name>RequestDetailView</name>
    <message>
        <source>Select a request in the queue.</source>
        <translation>Choisissez une demande dans la file.</translation>
    </message>
    <message>
        <source>&amp;Copy reply</source>
        <translation>&amp;Copier la réponse</translation>
    </message>
    <message>
        <source>Policy recommendation</source>
        <translation>Recommandation de la politique</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>Demande</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
    <message>
        <source>History and notes</source>
        <translation>Historique et notes</translation>
    </message>
    <message>
        <source>Reply draft</source>
        <translation>Brouillon de réponse</translation>
    </message>
    <message>
        <source>Reply draft for the customer</source>
        <translation>Brouillon de réponse pour le client</translation>
    </message>
    <message>
        <source>Cannot show request %1: %2</source>
        <translation>Impossible d&apos;afficher la demande %1 : %2</translation>
    </message>
    <message>
        <source>Request %1 · %2 · %3</source>
        <translation>Demande %1 · %2 · %3</translation>
    </message>
    <message>
        <source>The policy cannot evaluate this request: %1</source>
        <translation>La politique ne peut pas évaluer cette demande : %1</translation>
    </message>
    <message>
        <source>Decision reversed</source>
        <translation>Décision annulée</translation>
    </message>
    <message>
        <source>%1 reversed it on %2: %3</source>
        <translation>%1 l&apos;a annulée le %2 : %3</translation>
    </message>
    <message>
        <source>The credits it moved went back; the case continues in request %1.</source>
        <translation>Les crédits déplacés sont revenus ; le dossier continue dans la demande %1.</translation>
    </message>
    <message>
        <source>Reopens request %1, whose decision a lead reversed.</source>
        <translation>Rouvre la demande %1, dont un responsable a annulé la décision.</translation>
    </message>
    <message>
        <source>approve</source>
        <translation>approuver</translation>
    </message>
    <message>
        <source>deny</source>
        <translation>refuser</translation>
    </message>
    <message>
        <source>%1, refund %2</source>
        <translation>%1, rembourser %2</translation>
    </message>
    <message>
        <source>%1 (against the policy)</source>
        <translation>%1 (contre la politique)</translation>
    </message>
    <message>
        <source>Waiting for a second approval</source>
        <translation>En attente d&apos;une seconde approbation</translation>
    </message>
    <message>
        <source>%1 decided on %2: %3.</source>
        <translation>%1 a décidé le %2 : %3.</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Note : %1</translation>
    </message>
    <message>
        <source>A lead other than %1 gives the second approval (Shift+A) or sends it back (Shift+B).</source>
        <translation>Un responsable autre que %1 donne la seconde approbation (Maj+A) ou la renvoie (Maj+B).</translation>
    </message>
    <message>
        <source>refund %1</source>
        <translation>rembourser %1</translation>
    </message>
    <message numerus="yes">
        <source>restore %n credit(s)</source>
        <translation>
            <numerusform>restituer %n crédit</numerusform>
            <numerusform>restituer %n crédits</numerusform>
        </translation>
    </message>
    <message>
        <source>no refund</source>
        <translation>aucun remboursement</translation>
    </message>
    <message>
        <source>Profile %1, version %2. Answer by %3.</source>
        <translation>Profil %1, version %2. Réponse avant le %3.</translation>
    </message>
    <message>
        <source>Triaged under %1 version %2.</source>
        <translation>Pré-examinée selon %1 version %2.</translation>
    </message>
    <message>
        <source>Decided under %1 version %2.</source>
        <translation>Décidée selon %1 version %2.</translation>
    </message>
    <message>
        <source>%1 version %2 would now say &quot;%3&quot; (%4).</source>
        <translation>%1 version %2 dirait maintenant « %3 » (%4).</translation>
    </message>
    <message>
        <source>At triage the policy recommended &quot;%1&quot;; the facts have changed since.</source>
        <translation>Lors du pré-examen, la politique recommandait « %1 » ; les faits ont changé depuis.</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Reçue</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Assigned to</source>
        <translation>Attribuée à</translation>
    </message>
    <message>
        <source>nobody</source>
        <translation>personne</translation>
    </message>
    <message>
        <source>Amount claimed</source>
        <translation>Montant réclamé</translation>
    </message>
    <message numerus="yes">
        <source>charged %n times</source>
        <translation>
            <numerusform>prélevé %n fois</numerusform>
            <numerusform>prélevé %n fois</numerusform>
        </translation>
    </message>
    <message>
        <source>not delivered</source>
        <translation>non livré</translation>
    </message>
    <message>
        <source>disputed</source>
        <translation>contesté</translation>
    </message>
    <message>
        <source>Purchase %1</source>
        <translation>Achat %1</translation>
    </message>
    <message>
        <source>%1 · %2 credits · %3 on %4</source>
        <translation>%1 · %2 crédits · %3 le %4</translation>
    </message>
    <message>
        <source>Still refundable</source>
        <translation>Encore remboursable</translation>
    </message>
    <message>
        <source>Already given</source>
        <translation>Déjà accordé</translation>
    </message>
    <message>
        <source> (%1 failure)</source>
        <translation> (échec : %1)</translation>
    </message>
    <message>
        <source>Job %1</source>
        <translation>Tâche %1</translation>
    </message>
    <message>
        <source>%1 · %2 credits · %3 · %4</source>
        <translation>%1 · %2 crédits · %3 · %4</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>sent %1</source>
        <translation>envoyé %1</translation>
    </message>
    <message>
        <source>last change %1</source>
        <translation>dernier changement %1</translation>
    </message>
    <message>
        <source>Payout %1 (retry of %2)</source>
        <translation>Versement %1 (relance de %2)</translation>
    </message>
    <message>
        <source>Payout %1</source>
        <translation>Versement %1</translation>
    </message>
    <message>
        <source>Customer&apos;s message</source>
        <translation>Message du client</translation>
    </message>
    <message>
        <source>(no message)</source>
        <translation>(aucun message)</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>Solde</translation>
    </message>
    <message numerus="yes">
        <source>%n credit(s)</source>
        <translation>
            <numerusform>%n crédit</numerusform>
            <numerusform>%n crédits</numerusform>
        </translation>
    </message>
    <message>
        <source>Lifetime</source>
        <translation>Depuis l&apos;ouverture</translation>
    </message>
    <message numerus="yes">
        <source>%n purchase(s), %1 paid, %2 refunded</source>
        <translation>
            <numerusform>%n achat, %1 payé, %2 remboursé</numerusform>
            <numerusform>%n achats, %1 payés, %2 remboursés</numerusform>
        </translation>
    </message>
    <message>
        <source>Credit-backs</source>
        <translation>Recrédits</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s), %1 credits restored</source>
        <translation>
            <numerusform>%n tâche, %1 crédits restitués</numerusform>
            <numerusform>%n tâches, %1 crédits restitués</numerusform>
        </translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Demandes</translation>
    </message>
    <message>
        <source>Chargebacks</source>
        <translation>Rétrofacturations</translation>
    </message>
    <message numerus="yes">
        <source>%n open</source>
        <translation>
            <numerusform>%n ouverte</numerusform>
            <numerusform>%n ouvertes</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing happened to this request yet.</source>
        <translation>Rien n&apos;est encore arrivé à cette demande.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Profile %1, version %2. No answer date is stated.</source>
        <translation>Profil %1, version %2. Aucune date de réponse n&apos;est indiquée.</translation>
    </message>
</context>
<context>
    <name>RequestDossier</name>
    <message>
        <source>request %1 does not exist</source>
        <translation>la demande %1 n&apos;existe pas</translation>
    </message>
</context>
<context>
    <name>RequestQueueModel</name>
    <message>
        <source>Request</source>
        <translation>Demande</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Reçue</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Montant</translation>
    </message>
    <message>
        <source>Credits</source>
        <translation>Crédits</translation>
    </message>
    <message>
        <source>Recommendation</source>
        <translation>Recommandation</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>Attribuée</translation>
    </message>
    <message>
        <source>Answer by</source>
        <translation>Réponse avant</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Devise</translation>
    </message>
    <message>
        <source>Account ID</source>
        <translation>N° de compte</translation>
    </message>
    <message>
        <source>Purchase</source>
        <translation>Achat</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Tâche</translation>
    </message>
</context>
<context>
    <name>Schema</name>
    <message>
        <source>no schema version %1</source>
        <translation>aucune version de schéma %1</translation>
    </message>
    <message>
        <source>refund_requests has an unexpected definition; cannot add the awaiting_approval status</source>
        <translation>refund_requests a une définition inattendue ; impossible d&apos;ajouter le statut awaiting_approval</translation>
    </message>
</context>
<context>
    <name>ServeCommands</name>
    <message>
        <source>Address and port to listen on (default 127.0.0.1:8787; port 0 picks a free one).</source>
        <translation>Adresse et port d&apos;écoute (par défaut 127.0.0.1:8787 ; le port 0 en choisit un libre).</translation>
    </message>
    <message>
        <source>Serve HTTPS with this PEM certificate.</source>
        <translation>Servir en HTTPS avec ce certificat PEM.</translation>
    </message>
    <message>
        <source>The PEM private key of --tls-cert.</source>
        <translation>La clé privée PEM de --tls-cert.</translation>
    </message>
    <message>
        <source>With a payment processor configured, send pending payouts this often (default 5 seconds; 0: never, leave it to refundctl payouts run).</source>
        <translation>Avec un prestataire configuré, envoyer les versements en attente à cette fréquence (par défaut 5 secondes ; 0 : jamais, laisser faire refundctl payouts run).</translation>
    </message>
    <message>
        <source>Serves the platform&apos;s intake and outbox over HTTP (INTEGRATION.md): POST /v1/events, GET /v1/outbox, GET /healthz, with bearer tokens made by &apos;refundctl tokens add&apos;; POST /v1/webhooks/stripe, signed with the secret of REFUNDDESK_STRIPE_WEBHOOK_SECRET_FILE. With a processor key it also sends payouts and reconciles them. One log line per request on stderr. Stops on SIGTERM or Ctrl+C.</source>
        <translation>Sert la réception et la boîte d&apos;envoi de la plateforme en HTTP (INTEGRATION.md) : POST /v1/events, GET /v1/outbox, GET /healthz, avec des jetons porteurs créés par « refundctl tokens add » ; POST /v1/webhooks/stripe, signé avec le secret de REFUNDDESK_STRIPE_WEBHOOK_SECRET_FILE. Avec une clé de prestataire, il envoie aussi les versements et les rapproche. Une ligne de journal par requête sur stderr. S&apos;arrête sur SIGTERM ou Ctrl+C.</translation>
    </message>
    <message>
        <source>--listen needs HOST:PORT with an IP address, such as 127.0.0.1:8787, not &apos;%1&apos;</source>
        <translation>--listen attend HÔTE:PORT avec une adresse IP, comme 127.0.0.1:8787, pas « %1 »</translation>
    </message>
    <message>
        <source>--tls-cert and --tls-key go together</source>
        <translation>--tls-cert et --tls-key vont ensemble</translation>
    </message>
    <message>
        <source>--payouts-every takes a number of seconds</source>
        <translation>--payouts-every attend un nombre de secondes</translation>
    </message>
    <message>
        <source>refundctl serve: %1</source>
        <translation>refundctl serve : %1</translation>
    </message>
    <message>
        <source>payouts: %1 taken, %2 succeeded, %3 failed, %4 waiting, %5 unknown%6</source>
        <translation>versements : %1 pris, %2 réussis, %3 en échec, %4 en attente, %5 inconnus%6</translation>
    </message>
    <message>
        <source>payouts: %1</source>
        <translation>versements : %1</translation>
    </message>
    <message>
        <source>no payment processor configured: payouts stay pending for manual handling</source>
        <translation>aucun prestataire de paiement configuré : les versements restent en attente d&apos;un traitement manuel</translation>
    </message>
    <message>
        <source>listening on %1://%2:%3 (database %4)</source>
        <translation>à l&apos;écoute sur %1://%2:%3 (base %4)</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>arrêté</translation>
    </message>
    <message>
        <source>What the token may do: events:write, outbox:read (repeat, or separate with commas).</source>
        <translation>Ce que le jeton peut faire : events:write, outbox:read (répéter, ou séparer par des virgules).</translation>
    </message>
    <message>
        <source>Who uses the token.</source>
        <translation>Qui utilise le jeton.</translation>
    </message>
    <message>
        <source>Makes an API token for refundctl serve and prints it once; only its hash is stored.</source>
        <translation>Crée un jeton d&apos;API pour refundctl serve et l&apos;affiche une fois ; seule son empreinte est conservée.</translation>
    </message>
    <message>
        <source>give the token a name</source>
        <translation>donnez un nom au jeton</translation>
    </message>
    <message>
        <source>give at least one --scope (events:write, outbox:read)</source>
        <translation>indiquez au moins un --scope (events:write, outbox:read)</translation>
    </message>
    <message>
        <source>unknown scope &apos;%1&apos; (known: %2)</source>
        <translation>portée inconnue « %1 » (connues : %2)</translation>
    </message>
    <message>
        <source>a token named &apos;%1&apos; exists already; revoke it or choose another name</source>
        <translation>un jeton nommé « %1 » existe déjà ; révoquez-le ou choisissez un autre nom</translation>
    </message>
    <message>
        <source>token &apos;%1&apos; (%2): shown this once, keep it in a secret store</source>
        <translation>jeton « %1 » (%2) : affiché cette seule fois, conservez-le dans un coffre à secrets</translation>
    </message>
    <message>
        <source>Lists the API tokens (never their secrets).</source>
        <translation>Liste les jetons d&apos;API (jamais leurs secrets).</translation>
    </message>
    <message>
        <source>revoked %1</source>
        <translation>révoqué %1</translation>
    </message>
    <message>
        <source>in force</source>
        <translation>en vigueur</translation>
    </message>
    <message>
        <source>The token to revoke.</source>
        <translation>Le jeton à révoquer.</translation>
    </message>
    <message>
        <source>Revokes an API token at once.</source>
        <translation>Révoque un jeton d&apos;API immédiatement.</translation>
    </message>
    <message>
        <source>name the token to revoke</source>
        <translation>indiquez le jeton à révoquer</translation>
    </message>
    <message>
        <source>no token &apos;%1&apos; in force</source>
        <translation>aucun jeton « %1 » en vigueur</translation>
    </message>
    <message>
        <source>token &apos;%1&apos; revoked</source>
        <translation>jeton « %1 » révoqué</translation>
    </message>
    <message>
        <source>Usage: refundctl tokens add NAME --scope events:write|outbox:read
       refundctl tokens list
       refundctl tokens revoke NAME
</source>
        <translation>Usage : refundctl tokens add NAME --scope events:write|outbox:read
        refundctl tokens list
        refundctl tokens revoke NAME
</translation>
    </message>
    <message>
        <source>say add, list or revoke</source>
        <translation>indiquez add, list ou revoke</translation>
    </message>
    <message>
        <source>unknown action &apos;%1&apos;; say add, list or revoke</source>
        <translation>action inconnue « %1 » ; indiquez add, list ou revoke</translation>
    </message>
</context>
<context>
    <name>SqlStatement</name>
    <message>
        <source>%1 (in: %2)</source>
        <translation>%1 (dans : %2)</translation>
    </message>
</context>
<context>
    <name>SqlWindowModel</name>
    <message>
        <source>%1 (sorting is offered on indexed columns only)</source>
        <translation>%1 (le tri n&apos;est proposé que sur les colonnes indexées)</translation>
    </message>
</context>
<context>
    <name>StripeAnswer</name>
    <message>
        <source>HTTP %1: %2</source>
        <translation>HTTP %1 : %2</translation>
    </message>
    <message>
        <source>, after %1 attempts</source>
        <translation>, après %1 tentatives</translation>
    </message>
</context>
<context>
    <name>StripeClient</name>
    <message>
        <source>cannot read the secret file %1: it does not exist</source>
        <translation>impossible de lire le fichier secret %1 : il n&apos;existe pas</translation>
    </message>
    <message>
        <source>the secret file %1 is readable by others (mode %2): make it 0600 (chmod 600 %1)</source>
        <translation>le fichier secret %1 est lisible par d&apos;autres (mode %2) : passez-le en 0600 (chmod 600 %1)</translation>
    </message>
    <message>
        <source>cannot read the secret file %1: %2</source>
        <translation>impossible de lire le fichier secret %1 : %2</translation>
    </message>
    <message>
        <source>the secret file %1 should hold one key on one line</source>
        <translation>le fichier secret %1 doit contenir une seule clé sur une seule ligne</translation>
    </message>
    <message>
        <source>no answer within %1 ms</source>
        <translation>aucune réponse en %1 ms</translation>
    </message>
    <message>
        <source>the answer is not a JSON object: %1</source>
        <translation>la réponse n&apos;est pas un objet JSON : %1</translation>
    </message>
    <message>
        <source>the answer is not a refund object</source>
        <translation>la réponse n&apos;est pas un objet de remboursement</translation>
    </message>
</context>
<context>
    <name>TeamCommands</name>
    <message>
        <source>roles not set up: run refundctl init as a login that may create roles (the database&apos;s owner or a DBA) to give the team its roles</source>
        <translation>rôles non configurés : lancez refundctl init avec un identifiant autorisé à créer des rôles (le propriétaire de la base ou un DBA) pour donner ses rôles à l&apos;équipe</translation>
    </message>
    <message>
        <source>refundctl init: the team&apos;s roles: %1</source>
        <translation>refundctl init : les rôles de l&apos;équipe : %1</translation>
    </message>
    <message>
        <source>roles refunddesk_viewer, _reviewer, _lead and _admin are set up; add people with refundctl users add NAME --role ROLE --password-stdin</source>
        <translation>les rôles refunddesk_viewer, _reviewer, _lead et _admin sont configurés ; ajoutez des personnes avec refundctl users add NOM --role RÔLE --password-stdin</translation>
    </message>
    <message>
        <source>viewer (read, export), reviewer (decide as the policy says), lead (overrides, policy), admin (people, tokens, settings).</source>
        <translation>viewer (lire, exporter), reviewer (décider selon la politique), lead (dérogations, politique), admin (personnes, jetons, réglages).</translation>
    </message>
    <message>
        <source>Read the password from the first line of standard input (never on the command line).</source>
        <translation>Lire le mot de passe sur la première ligne de l&apos;entrée standard (jamais sur la ligne de commande).</translation>
    </message>
    <message>
        <source>refundctl users %1: %2</source>
        <translation>refundctl users %1 : %2</translation>
    </message>
    <message>
        <source>The person&apos;s login name.</source>
        <translation>L&apos;identifiant de la personne.</translation>
    </message>
    <message>
        <source>Their new role.</source>
        <translation>Son nouveau rôle.</translation>
    </message>
    <message>
        <source>Adds a person: a PostgreSQL login role in one of the desk&apos;s roles.</source>
        <translation>Ajoute une personne : un rôle de connexion PostgreSQL dans l&apos;un des rôles du bureau.</translation>
    </message>
    <message>
        <source>Gives a person another role.</source>
        <translation>Donne un autre rôle à une personne.</translation>
    </message>
    <message>
        <source>A person can no longer sign in; what they did stays theirs.</source>
        <translation>Une personne ne peut plus se connecter ; ce qu&apos;elle a fait reste à son nom.</translation>
    </message>
    <message>
        <source>Lists the desk&apos;s people and their roles.</source>
        <translation>Liste les personnes du bureau et leurs rôles.</translation>
    </message>
    <message numerus="yes">
        <source>refundctl users %1 takes %n argument(s)</source>
        <translation>
            <numerusform>refundctl users %1 attend %n argument</numerusform>
            <numerusform>refundctl users %1 attend %n arguments</numerusform>
        </translation>
    </message>
    <message>
        <source>a SQLite file is one person&apos;s: its user is the operating-system user, and roles do not apply</source>
        <translation>un fichier SQLite appartient à une seule personne : son utilisateur est celui du système, les rôles ne s&apos;appliquent pas</translation>
    </message>
    <message>
        <source>can sign in</source>
        <translation>peut se connecter</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>désactivé</translation>
    </message>
    <message>
        <source>say --role viewer, reviewer, lead or admin</source>
        <translation>indiquez --role viewer, reviewer, lead ou admin</translation>
    </message>
    <message>
        <source>no password on standard input</source>
        <translation>aucun mot de passe sur l&apos;entrée standard</translation>
    </message>
    <message>
        <source>%1 added as %2</source>
        <translation>%1 ajouté comme %2</translation>
    </message>
    <message>
        <source>%1 is now %2</source>
        <translation>%1 est maintenant %2</translation>
    </message>
    <message>
        <source>%1 can no longer sign in</source>
        <translation>%1 ne peut plus se connecter</translation>
    </message>
    <message>
        <source>Usage: refundctl users add NAME --role viewer|reviewer|lead|admin [--password-stdin]
       refundctl users list
       refundctl users set-role NAME ROLE
       refundctl users disable NAME
</source>
        <translation>Usage : refundctl users add NAME --role viewer|reviewer|lead|admin [--password-stdin]
        refundctl users list
        refundctl users set-role NAME ROLE
        refundctl users disable NAME
</translation>
    </message>
    <message>
        <source>say add, list, set-role or disable</source>
        <translation>indiquez add, list, set-role ou disable</translation>
    </message>
    <message>
        <source>unknown action &apos;%1&apos;; say add, list, set-role or disable</source>
        <translation>action inconnue « %1 » ; indiquez add, list, set-role ou disable</translation>
    </message>
    <message>
        <source>Usage: refundctl settings list
       refundctl settings get KEY
       refundctl settings set KEY VALUE
Settings: four_eyes_above_cents (default 10000): a money refund above this many cents, in the refund&apos;s currency, and every override need a second approval by another lead (on a team&apos;s database).
</source>
        <translation>Usage : refundctl settings list
        refundctl settings get KEY
        refundctl settings set KEY VALUE
Réglages : four_eyes_above_cents (par défaut 10000) : un remboursement en argent au-delà de ce nombre de centimes, dans la devise du remboursement, et toute dérogation exigent une seconde approbation par un autre responsable (sur la base d&apos;une équipe).
</translation>
    </message>
    <message>
        <source>say list, get or set</source>
        <translation>indiquez list, get ou set</translation>
    </message>
    <message>
        <source>unknown action &apos;%1&apos;; say list, get or set</source>
        <translation>action inconnue « %1 » ; indiquez list, get ou set</translation>
    </message>
    <message>
        <source>The setting&apos;s name.</source>
        <translation>Le nom du réglage.</translation>
    </message>
    <message>
        <source>Its new value.</source>
        <translation>Sa nouvelle valeur.</translation>
    </message>
    <message>
        <source>The desk&apos;s shared settings, stored in its database.</source>
        <translation>Les réglages partagés du bureau, conservés dans sa base.</translation>
    </message>
    <message numerus="yes">
        <source>refundctl settings %1 takes %n argument(s)</source>
        <translation>
            <numerusform>refundctl settings %1 attend %n argument</numerusform>
            <numerusform>refundctl settings %1 attend %n arguments</numerusform>
        </translation>
    </message>
    <message>
        <source>refundctl settings %1: %2</source>
        <translation>refundctl settings %1 : %2</translation>
    </message>
</context>
<context>
    <name>TeamRoles</name>
    <message>
        <source>a role is one of %1, not &quot;%2&quot;</source>
        <translation>un rôle est l&apos;un de %1, pas « %2 »</translation>
    </message>
    <message>
        <source>a user name has 1 to 63 characters</source>
        <translation>un nom d&apos;utilisateur compte de 1 à 63 caractères</translation>
    </message>
</context>
<context>
    <name>Walker</name>
    <message>
        <source>audit row %1 is at chain position %2, expected %3: a row before it was deleted</source>
        <translation>la ligne d&apos;audit %1 est à la position %2 de la chaîne, %3 attendu : une ligne antérieure a été supprimée</translation>
    </message>
    <message>
        <source>audit row %1 repeats chain position %2: a row was inserted</source>
        <translation>la ligne d&apos;audit %1 répète la position %2 de la chaîne : une ligne a été insérée</translation>
    </message>
    <message>
        <source>audit row %1 (position %2) does not follow the row before it: a row was deleted, inserted or rewritten there</source>
        <translation>la ligne d&apos;audit %1 (position %2) ne suit pas la précédente : une ligne y a été supprimée, insérée ou réécrite</translation>
    </message>
    <message>
        <source>audit row %1 (position %2) was changed: its content does not match its hash</source>
        <translation>la ligne d&apos;audit %1 (position %2) a été modifiée : son contenu ne correspond pas à son empreinte</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>&amp;Connect to another database…</source>
        <translation>Se &amp;connecter à une autre base…</translation>
    </message>
    <message>
        <source>&amp;Import the platform&apos;s events from a file…</source>
        <translation>&amp;Importer les événements de la plateforme depuis un fichier…</translation>
    </message>
    <message>
        <source>Create &amp;demo data (2,000 accounts)</source>
        <translation>Créer des &amp;données de démo (2 000 comptes)</translation>
    </message>
    <message>
        <source>&lt;h2&gt;This database has no accounts yet&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;Cette base n&apos;a encore aucun compte&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>Refund Desk works on your platform&apos;s accounts, purchases, jobs and refund requests. Bring them in, or look around on demo data first.

Database: %1</source>
        <translation>Refund Desk travaille sur les comptes, achats, tâches et demandes de remboursement de votre plateforme. Importez-les, ou faites d&apos;abord un tour avec des données de démo.

Base : %1</translation>
    </message>
    <message>
        <source>An NDJSON file of events as the platform sends them (see &quot;Connecting your platform&quot; in the README). All of it is applied, or none.</source>
        <translation>Un fichier NDJSON d&apos;événements tels que la plateforme les envoie (voir « Connecting your platform » dans le README). Tout est appliqué, ou rien.</translation>
    </message>
    <message>
        <source>Import events</source>
        <translation>Importer des événements</translation>
    </message>
    <message>
        <source>Events (*.ndjson *.jsonl *.json);;All files (*)</source>
        <translation>Événements (*.ndjson *.jsonl *.json);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>Import de %1…</translation>
    </message>
    <message>
        <source>%1: cannot read: %2</source>
        <translation>%1 : lecture impossible : %2</translation>
    </message>
    <message>
        <source>Importing… %1 events read</source>
        <translation>Import en cours… %1 événements lus</translation>
    </message>
    <message>
        <source>%1 events applied (%2 already known).</source>
        <translation>%1 événements appliqués (%2 déjà connus).</translation>
    </message>
    <message>
        <source>The file was refused: nothing was written. %1 of %2 events have a problem:</source>
        <translation>Le fichier a été refusé : rien n&apos;a été écrit. %1 événements sur %2 posent problème :</translation>
    </message>
    <message>
        <source>... and %1 more</source>
        <translation>… et %1 autres</translation>
    </message>
    <message>
        <source>The import failed, nothing was written: %1</source>
        <translation>L&apos;import a échoué, rien n&apos;a été écrit : %1</translation>
    </message>
    <message>
        <source>Creating demo data…</source>
        <translation>Création des données de démo…</translation>
    </message>
    <message>
        <source>Creating demo data… %1 of %2 accounts</source>
        <translation>Création des données de démo… %1 comptes sur %2</translation>
    </message>
    <message>
        <source>The demo data could not be created: %1</source>
        <translation>Impossible de créer les données de démo : %1</translation>
    </message>
</context>
<context>
    <name>WorkflowCommands</name>
    <message>
        <source>Print no progress.</source>
        <translation>N&apos;afficher aucune progression.</translation>
    </message>
    <message>
        <source>Evaluates every new refund request with its account&apos;s policy profile and stores the recommendation. Failed jobs that the policy credits back automatically are approved at once by the system reviewer; everything else waits in the queue.</source>
        <translation>Évalue chaque nouvelle demande de remboursement avec le profil de politique de son compte et enregistre la recommandation. Les tâches en échec que la politique recrédite automatiquement sont approuvées aussitôt par l&apos;examinateur système ; tout le reste attend dans la file.</translation>
    </message>
    <message>
        <source>requests: %1</source>
        <translation>demandes : %1</translation>
    </message>
    <message>
        <source>refundctl triage: %1</source>
        <translation>refundctl triage : %1</translation>
    </message>
    <message>
        <source>%1 requests evaluated, %2 applied automatically, %3 failed</source>
        <translation>%1 demandes évaluées, %2 appliquées automatiquement, %3 en échec</translation>
    </message>
    <message>
        <source>approve, deny or escalate.</source>
        <translation>approve, deny ou escalate.</translation>
    </message>
    <message>
        <source>Who decides (recorded with the decision).</source>
        <translation>Qui décide (enregistré avec la décision).</translation>
    </message>
    <message>
        <source>The reason, recorded with the decision; required to decide against the policy.</source>
        <translation>Le motif, enregistré avec la décision ; obligatoire pour décider contre la politique.</translation>
    </message>
    <message>
        <source>Refund less money than recommended (minor units), or name the amount where the policy names none.</source>
        <translation>Rembourser moins que recommandé (unités mineures), ou indiquer le montant là où la politique n&apos;en indique pas.</translation>
    </message>
    <message>
        <source>Confirm deciding against the policy&apos;s recommendation (needs --note).</source>
        <translation>Confirmer une décision contraire à la recommandation de la politique (exige --note).</translation>
    </message>
    <message>
        <source>Refund request ids.</source>
        <translation>Identifiants des demandes de remboursement.</translation>
    </message>
    <message>
        <source>Approves, denies or escalates refund requests, each in one transaction, and prints one line per request.</source>
        <translation>Approuve, refuse ou escalade des demandes de remboursement, chacune en une transaction, et affiche une ligne par demande.</translation>
    </message>
    <message>
        <source>--verdict must be approve, deny or escalate, not &apos;%1&apos;</source>
        <translation>--verdict doit être approve, deny ou escalate, pas « %1 »</translation>
    </message>
    <message>
        <source>--verdict approve|deny|escalate is required</source>
        <translation>--verdict approve|deny|escalate est requis</translation>
    </message>
    <message>
        <source>--reviewer NAME is required</source>
        <translation>--reviewer NOM est requis</translation>
    </message>
    <message>
        <source>--amount-cents needs a positive whole number, not &apos;%1&apos;</source>
        <translation>--amount-cents attend un nombre entier positif, pas « %1 »</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a request id</source>
        <translation>« %1 » n&apos;est pas un identifiant de demande</translation>
    </message>
    <message>
        <source>name at least one request id</source>
        <translation>indiquez au moins un identifiant de demande</translation>
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
        <translation>un autre responsable donne la seconde approbation (refundctl approvals approve %1)</translation>
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
        <translation>Un objet JSON : ok, les comptages, le temps pris et chaque violation avec sa vérification.</translation>
    </message>
    <message>
        <source>Checks, in one read-only snapshot, everything users trust the ledger with: balances equal their entries and their credit lots and never go negative; every credit that moves has a cause on its own account (a purchase, a job, a chargeback or an approved decision); every payout matches an approved money refund of that account, purchase, currency and amount; no purchase gets back more money than it paid or more credits than it delivered, nor one remedy twice; a job is credited back at most once; every decided request has its decision, its ledger entries and payouts, and its audit record. Writes nothing; exit 1 when anything is wrong.</source>
        <translation>Vérifie, dans un instantané en lecture seule, tout ce que les utilisateurs confient au registre : les soldes égalent leurs écritures et leurs lots de crédits et ne deviennent jamais négatifs ; chaque crédit déplacé a une cause sur son propre compte (un achat, une tâche, une rétrofacturation ou une décision approuvée) ; chaque versement correspond à un remboursement en argent approuvé de ce compte, cet achat, cette devise et ce montant ; aucun achat ne récupère plus d&apos;argent qu&apos;il n&apos;a payé ni plus de crédits qu&apos;il n&apos;en a livré, ni deux fois le même remède ; une tâche est recréditée au plus une fois ; chaque demande décidée a sa décision, ses écritures et versements, et son enregistrement d&apos;audit. N&apos;écrit rien ; code de sortie 1 si quelque chose ne va pas.</translation>
    </message>
    <message>
        <source>ok: %1 accounts, %2 ledger entries, %3 decisions; every invariant holds</source>
        <translation>ok : %1 comptes, %2 écritures, %3 décisions ; chaque invariant est respecté</translation>
    </message>
    <message>
        <source>refundctl check: invariants violated in %1</source>
        <translation>refundctl check : invariants violés dans %1</translation>
    </message>
    <message>
        <source>Only requests in this status: new, pending, escalated, awaiting_approval, approved, denied.</source>
        <translation>Seulement les demandes dans ce statut : new, pending, escalated, awaiting_approval, approved, denied.</translation>
    </message>
    <message>
        <source>Only requests of this type (e.g. failed_job).</source>
        <translation>Seulement les demandes de ce type (p. ex. failed_job).</translation>
    </message>
    <message>
        <source>At most this many requests.</source>
        <translation>Au plus ce nombre de demandes.</translation>
    </message>
    <message>
        <source>One JSON array instead of a table.</source>
        <translation>Un tableau JSON au lieu d&apos;une table.</translation>
    </message>
    <message>
        <source>Lists refund requests with their stored recommendation.</source>
        <translation>Liste les demandes de remboursement avec leur recommandation enregistrée.</translation>
    </message>
    <message>
        <source>--status must be one of %1, not &apos;%2&apos;</source>
        <translation>--status doit être l&apos;une des valeurs %1, pas « %2 »</translation>
    </message>
    <message>
        <source>unknown request type &apos;%1&apos;</source>
        <translation>type de demande inconnu « %1 »</translation>
    </message>
    <message>
        <source>--limit needs a positive whole number, not &apos;%1&apos;</source>
        <translation>--limit attend un nombre entier positif, pas « %1 »</translation>
    </message>
    <message>
        <source>id</source>
        <translation>n°</translation>
    </message>
    <message>
        <source>status</source>
        <translation>statut</translation>
    </message>
    <message>
        <source>type</source>
        <translation>type</translation>
    </message>
    <message>
        <source>account</source>
        <translation>compte</translation>
    </message>
    <message>
        <source>received</source>
        <translation>reçue</translation>
    </message>
    <message>
        <source>recommendation</source>
        <translation>recommandation</translation>
    </message>
    <message>
        <source>respond by</source>
        <translation>réponse avant</translation>
    </message>
    <message>
        <source>assigned to</source>
        <translation>attribuée à</translation>
    </message>
    <message>
        <source>refund %1</source>
        <translation>rembourser %1</translation>
    </message>
    <message>
        <source>restore %1</source>
        <translation>restituer %1</translation>
    </message>
    <message>
        <source>The reason the bank gives.</source>
        <translation>Le motif donné par la banque.</translation>
    </message>
    <message>
        <source>The customer contacted support before disputing the charge.</source>
        <translation>Le client a contacté le support avant de contester le prélèvement.</translation>
    </message>
    <message>
        <source>The disputed purchase.</source>
        <translation>L&apos;achat contesté.</translation>
    </message>
    <message>
        <source>Records a chargeback the bank reports: marks the purchase disputed, applies the profile&apos;s account actions (suspension, clawback) and opens a chargeback case in the queue. Approving the case records it as lost, denying it as won.</source>
        <translation>Enregistre une rétrofacturation signalée par la banque : marque l&apos;achat comme contesté, applique les mesures du profil sur le compte (suspension, reprise) et ouvre un dossier de rétrofacturation dans la file. Approuver le dossier l&apos;enregistre comme perdu, le refuser comme gagné.</translation>
    </message>
    <message>
        <source>name exactly one purchase id</source>
        <translation>indiquez exactement un identifiant d&apos;achat</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a purchase id</source>
        <translation>« %1 » n&apos;est pas un identifiant d&apos;achat</translation>
    </message>
    <message>
        <source>chargeback on purchase %1 recorded as request %2</source>
        <translation>rétrofacturation sur l&apos;achat %1 enregistrée comme demande %2</translation>
    </message>
    <message>
        <source>Usage: refundctl approvals list [--json]
       refundctl approvals approve ID... [--reviewer NAME]
       refundctl approvals send-back ID --note TEXT [--reviewer NAME]
Four-eyes: a money refund above the desk&apos;s threshold (refundctl settings) and every override wait for a second approval by another lead.
</source>
        <translation>Usage : refundctl approvals list [--json]
        refundctl approvals approve ID... [--reviewer NAME]
        refundctl approvals send-back ID --note TEXT [--reviewer NAME]
Quatre yeux : un remboursement en argent au-delà du seuil du bureau (refundctl settings) et toute dérogation attendent une seconde approbation par un autre responsable.
</translation>
    </message>
    <message>
        <source>say list, approve or send-back</source>
        <translation>indiquez list, approve ou send-back</translation>
    </message>
    <message>
        <source>unknown action &apos;%1&apos;; say list, approve or send-back</source>
        <translation>action inconnue « %1 » ; indiquez list, approve ou send-back</translation>
    </message>
    <message>
        <source>Who approves or sends back (on a team&apos;s database: the signed-in login, always).</source>
        <translation>Qui approuve ou renvoie (sur la base d&apos;une équipe : toujours l&apos;identifiant connecté).</translation>
    </message>
    <message>
        <source>Why it goes back (required).</source>
        <translation>Pourquoi elle est renvoyée (obligatoire).</translation>
    </message>
    <message>
        <source>Lists the requests waiting for a second approval, oldest first.</source>
        <translation>Liste les demandes en attente de seconde approbation, les plus anciennes d&apos;abord.</translation>
    </message>
    <message>
        <source>Sends waiting requests back to the queue with a note.</source>
        <translation>Renvoie les demandes en attente dans la file avec une note.</translation>
    </message>
    <message>
        <source>Gives the second approval: the first approval&apos;s decision is written and carried out (payout, credits), one transaction per request.</source>
        <translation>Donne la seconde approbation : la décision de la première approbation est écrite et exécutée (versement, crédits), une transaction par demande.</translation>
    </message>
    <message>
        <source>(override)</source>
        <translation>(dérogation)</translation>
    </message>
    <message>
        <source>no request is waiting for a second approval</source>
        <translation>aucune demande n&apos;attend de seconde approbation</translation>
    </message>
    <message>
        <source>--note TEXT is required: say why it goes back</source>
        <translation>--note TEXTE est requis : dites pourquoi elle est renvoyée</translation>
    </message>
    <message>
        <source>%1 sent back</source>
        <translation>%1 sent back</translation>
    </message>
    <message>
        <source>Why the decision is reversed (required).</source>
        <translation>Pourquoi la décision est annulée (obligatoire).</translation>
    </message>
    <message>
        <source>The lead who reverses (on a team&apos;s database: the signed-in login, always).</source>
        <translation>Le responsable qui annule (sur la base d&apos;une équipe : toujours l&apos;identifiant connecté).</translation>
    </message>
    <message>
        <source>The decided request.</source>
        <translation>La demande décidée.</translation>
    </message>
    <message>
        <source>Reverses a decision (a lead&apos;s correction, never an UPDATE): the credits it moved move back and the request is reopened as a new one, triaged at once. Money that left for the card is not reversed.</source>
        <translation>Annule une décision (la correction d&apos;un responsable, jamais un UPDATE) : les crédits qu&apos;elle a déplacés reviennent et la demande est rouverte comme une nouvelle, pré-examinée aussitôt. L&apos;argent parti vers la carte n&apos;est pas repris.</translation>
    </message>
    <message>
        <source>name one decided request id</source>
        <translation>indiquez un identifiant de demande décidée</translation>
    </message>
    <message>
        <source>--reason TEXT is required: say why the decision is reversed</source>
        <translation>--reason TEXTE est requis : dites pourquoi la décision est annulée</translation>
    </message>
    <message>
        <source>%1 reversed: reopened as request %2</source>
        <translation>%1 reversed: reopened as request %2</translation>
    </message>
    <message>
        <source>%1 taken back</source>
        <translation>%1 repris</translation>
    </message>
    <message>
        <source>%1 returned</source>
        <translation>%1 rendus</translation>
    </message>
    <message>
        <source>refundctl reverse: %1</source>
        <translation>refundctl reverse : %1</translation>
    </message>
</context>
<context>
    <name>WorkflowInternals</name>
    <message>
        <source>refunded %1 by request %2 (%3)</source>
        <translation>%1 remboursé par la demande %2 (%3)</translation>
    </message>
    <message>
        <source>restored 1 credit by request %1 (%2)</source>
        <translation>1 crédit restitué par la demande %1 (%2)</translation>
    </message>
    <message>
        <source>restored %3 credits by request %1 (%2)</source>
        <translation>%3 crédits restitués par la demande %1 (%2)</translation>
    </message>
    <message>
        <source>charged back %1 by the bank</source>
        <translation>%1 rétrofacturé par la banque</translation>
    </message>
    <message>
        <source>purchase %1 has nothing left to give back</source>
        <translation>l&apos;achat %1 n&apos;a plus rien à rendre</translation>
    </message>
    <message>
        <source>purchase %1 was already %2</source>
        <translation>l&apos;achat %1 a déjà été %2</translation>
    </message>
</context>
<context>
    <name>WriteTransaction</name>
    <message>
        <source>%1 is read-only here: nothing can be written to it</source>
        <translation>%1 est en lecture seule ici : rien ne peut y être écrit</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Creating the demo database…</source>
        <translation>Création de la base de démo…</translation>
    </message>
    <message>
        <source>Refund Desk</source>
        <translation>Refund Desk</translation>
    </message>
    <message>
        <source>Evaluating the refund requests…</source>
        <translation>Évaluation des demandes de remboursement…</translation>
    </message>
    <message>
        <source>Database URL: sqlite:/path/file.db or postgresql://user@host[:port]/dbname.</source>
        <translation>URL de la base : sqlite:/chemin/fichier.db ou postgresql://utilisateur@hote[:port]/nombase.</translation>
    </message>
    <message>
        <source>Fill the database with demo data if it has no accounts yet.</source>
        <translation>Remplir la base avec des données de démo si elle n&apos;a encore aucun compte.</translation>
    </message>
    <message>
        <source>Save a PNG of the main window to FILE and quit (no display needed).</source>
        <translation>Enregistrer un PNG de la fenêtre principale dans FICHIER et quitter (aucun écran nécessaire).</translation>
    </message>
    <message>
        <source>Window size for --screenshot, e.g. 1600x1900.</source>
        <translation>Taille de la fenêtre pour --screenshot, p. ex. 1600x1900.</translation>
    </message>
    <message>
        <source>Refund review for prepaid-credit platforms.</source>
        <translation>Examen des remboursements pour les plateformes à crédits prépayés.</translation>
    </message>
    <message>
        <source>Cannot open the database.

%1</source>
        <translation>Impossible d&apos;ouvrir la base de données.

%1</translation>
    </message>
    <message>
        <source>Unknown page &quot;%1&quot;; use one of: %2.</source>
        <translation>Page inconnue « %1 » ; utilisez l&apos;une de : %2.</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>FICHIER</translation>
    </message>
    <message>
        <source>Open on PAGE: queue, accounts, ledger, purchases, jobs, payouts, dashboard or policy.</source>
        <translation>Ouvrir sur PAGE : queue, accounts, ledger, purchases, jobs, payouts, dashboard ou policy.</translation>
    </message>
    <message>
        <source>PAGE</source>
        <translation>PAGE</translation>
    </message>
    <message>
        <source>WxH</source>
        <translation>LxH</translation>
    </message>
    <message>
        <source>refunddesk: %1</source>
        <translation>refunddesk : %1</translation>
    </message>
</context>
<context>
    <name>refundctl</name>
    <message>
        <source>refundctl %1: %2</source>
        <translation>refundctl %1 : %2</translation>
    </message>
    <message>
        <source>Try &apos;refundctl %1 --help&apos;.</source>
        <translation>Essayez « refundctl %1 --help ».</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos;</source>
        <translation>argument inattendu « %1 »</translation>
    </message>
    <message>
        <source>Database URL: sqlite:/path/file.db or postgresql://user[:password]@host[:port]/dbname (default: $REFUNDDESK_DATABASE, else the demo file).</source>
        <translation>URL de la base : sqlite:/chemin/fichier.db ou postgresql://utilisateur[:motdepasse]@hote[:port]/nombase (par défaut : $REFUNDDESK_DATABASE, sinon le fichier de démo).</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Afficher cette aide.</translation>
    </message>
    <message>
        <source>%1: no such database file (refundctl init creates one, refundctl ingest or demo fill it)</source>
        <translation>%1 : aucun fichier de base de ce nom (refundctl init en crée un, refundctl ingest ou demo le remplissent)</translation>
    </message>
    <message>
        <source>list, approve or send back the requests waiting for a second approval</source>
        <translation>lister, approuver ou renvoyer les demandes en attente de seconde approbation</translation>
    </message>
    <message>
        <source>verify the audit trail&apos;s hash chain, print its head</source>
        <translation>vérifier la chaîne d&apos;empreintes du journal d&apos;audit, afficher sa tête</translation>
    </message>
    <message>
        <source>time the desk&apos;s views against sqlite3 or psql</source>
        <translation>chronométrer les vues du bureau face à sqlite3 ou psql</translation>
    </message>
    <message>
        <source>record a chargeback the bank reports on a purchase</source>
        <translation>enregistrer une rétrofacturation signalée par la banque sur un achat</translation>
    </message>
    <message>
        <source>check the ledger&apos;s invariants</source>
        <translation>vérifier les invariants du registre</translation>
    </message>
    <message>
        <source>approve, deny or escalate refund requests</source>
        <translation>approuver, refuser ou escalader des demandes de remboursement</translation>
    </message>
    <message>
        <source>export a report as CSV</source>
        <translation>exporter un rapport en CSV</translation>
    </message>
    <message>
        <source>apply the platform&apos;s events from an NDJSON file</source>
        <translation>appliquer les événements de la plateforme depuis un fichier NDJSON</translation>
    </message>
    <message>
        <source>create or upgrade the database schema</source>
        <translation>créer ou mettre à niveau le schéma de la base</translation>
    </message>
    <message>
        <source>fill the database with reproducible demo data</source>
        <translation>remplir la base avec des données de démo reproductibles</translation>
    </message>
    <message>
        <source>print the desk&apos;s changes for the platform (NDJSON)</source>
        <translation>afficher les changements du bureau pour la plateforme (NDJSON)</translation>
    </message>
    <message>
        <source>send money refunds to the processor, reconcile, list, mark or retry them</source>
        <translation>envoyer les remboursements en argent au prestataire, les rapprocher, lister, marquer ou relancer</translation>
    </message>
    <message>
        <source>evaluate a refund case, list or show policy profiles</source>
        <translation>évaluer un cas de remboursement, lister ou afficher les profils de politique</translation>
    </message>
    <message>
        <source>list refund requests with their recommendation</source>
        <translation>lister les demandes de remboursement avec leur recommandation</translation>
    </message>
    <message>
        <source>serve the platform&apos;s intake and outbox over HTTP</source>
        <translation>servir la réception et la boîte d&apos;envoi de la plateforme en HTTP</translation>
    </message>
    <message>
        <source>reverse a decision (a lead&apos;s correction) and reopen its request</source>
        <translation>annuler une décision (la correction d&apos;un responsable) et rouvrir sa demande</translation>
    </message>
    <message>
        <source>list, get or set the desk&apos;s shared settings</source>
        <translation>lister, lire ou modifier les réglages partagés du bureau</translation>
    </message>
    <message>
        <source>print counts of the database as JSON</source>
        <translation>afficher les comptages de la base en JSON</translation>
    </message>
    <message>
        <source>add, list or revoke the API tokens of serve</source>
        <translation>ajouter, lister ou révoquer les jetons d&apos;API de serve</translation>
    </message>
    <message>
        <source>add, list or disable the people of a team&apos;s database, set their role</source>
        <translation>ajouter, lister ou désactiver les personnes de la base d&apos;équipe, définir leur rôle</translation>
    </message>
    <message>
        <source>evaluate new requests, apply automatic credit-backs</source>
        <translation>évaluer les nouvelles demandes, appliquer les recrédits automatiques</translation>
    </message>
    <message>
        <source>Usage: refundctl COMMAND [options]
The command-line twin of Refund Desk.

Commands:
</source>
        <translation>Usage : refundctl COMMANDE [options]
Le jumeau en ligne de commande de Refund Desk.

Commandes :
</translation>
    </message>
    <message>
        <source>
Every command takes --database URL (sqlite:/path/file.db or postgresql://user[:password]@host[:port]/dbname);
without it $REFUNDDESK_DATABASE, else the embedded demo file.
&apos;refundctl COMMAND --help&apos; describes a command.
</source>
        <translation>
Chaque commande accepte --database URL (sqlite:/chemin/fichier.db ou postgresql://utilisateur[:motdepasse]@hote[:port]/nombase) ;
sans elle $REFUNDDESK_DATABASE, sinon le fichier de démo intégré.
« refundctl COMMANDE --help » décrit une commande.
</translation>
    </message>
    <message>
        <source>refundctl: unknown command &apos;%1&apos;</source>
        <translation>refundctl : commande inconnue « %1 »</translation>
    </message>
    <message>
        <source>refundctl %1: cannot write the output: %2</source>
        <translation>refundctl %1 : impossible d&apos;écrire la sortie : %2</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n group(s) differ from the facts</source>
        <translation>
            <numerusform>%1 : %n groupe diffère des faits</numerusform>
            <numerusform>%1 : %n groupes diffèrent des faits</numerusform>
        </translation>
    </message>
    <message>
        <source>count the dashboard&apos;s rollups again from the facts, or compare them</source>
        <translation>recompter les agrégats du tableau de bord à partir des faits, ou les comparer</translation>
    </message>
</context>
</TS>
