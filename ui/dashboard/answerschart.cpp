#include "answerschart.h"

#include "chartformat.h"
#include "ui/displaynames.h"

#include <qcustomplot.h>

using namespace ChartFormat;

bool AnswersChart::draw()
{
    QCustomPlot *plot = this->plot();
    const auto g = data().range.granularity;
    const QList<Bucket> list = buckets(g);
    const QHash<double, Bucket> at = byMiddle(list);
    useDateAxis(list, g);
    BarStack stack(plot);
    qint64 onTime = 0;
    qint64 late = 0;
    for (const QString &key : {QStringLiteral("on_time"), QStringLiteral("late")}) {
        const QHash<QString, qint64> counts = byBucket(data().answersOnTime, key);
        QCPBars *bars = stack.layer(DisplayNames::value(key), key);
        for (const Bucket &b : list) {
            const qint64 n = counts.value(b.key);
            stack.add(bars, b, double(n), 0.8);
            (key == QLatin1String("late") ? late : onTime) += n;
        }
        addSeries(bars, {[this, at, counts, key, g](double x) {
                             const Bucket b = at.value(x);
                             return tr("%1\n%2: %3 answer(s)\nClick or Enter: these requests")
                                 .arg(bucketName(b, g), DisplayNames::value(key),
                                      number(counts.value(b.key)));
                         },
                         [this, at, key](double x) {
                             const Bucket b = at.value(x);
                             QueueFilter f;
                             f.slice.decidedFrom = b.start;
                             f.slice.decidedTo = b.end;
                             f.slice.answered = key;
                             openQueue(f);
                         }});
    }
    plot->yAxis->setLabel(tr("Answers"));
    countAxis(plot->yAxis);
    stack.fitValueAxis();
    const qint64 answers = onTime + late;
    setSummary(answers == 0 ? QString()
                            : tr("%Ln answer(s): %1 on time, %2 late", nullptr, int(answers))
                                  .arg(percent(double(onTime) / double(answers)), number(late)));
    return answers == 0;
}
