"""Evaluation metrics for imbalanced binary classification: which statement is true (or false)?

Sources: Manning, Raghavan & Schütze, "Introduction to Information Retrieval" (2008), section 8.3 (precision,
recall, F measure); Saito & Rehmsmeier, "The Precision-Recall Plot Is More Informative than the ROC Plot When
Evaluating Binary Classifiers on Imbalanced Datasets" (PLOS ONE 2015); Goodfellow, Bengio & Courville, "Deep
Learning" (2016), section 11.1. The numeric counterpart is ``dl/classical/precision-recall-f1``.
"""

from generator.statements import StatementQuestion

TRUE = (
    (r"A classifier that always predicts the negative class has an accuracy of about 98 per cent here, but a "
     r"recall of 0."),
    r"Recall is the fraction of the actual positives that the classifier detects, \(TP/(TP + FN)\).",
    r"Precision is the fraction of the predicted positives that are actually positive, \(TP/(TP + FP)\).",
    (r"Lowering the decision threshold (predicting positive more readily) can only keep or raise the "
     r"recall."),
    (r"The \(F_1\) score is the harmonic mean of precision and recall, so it is low whenever either of them is "
     r"low."),
    (r"If missing a positive case is very costly (say, an undetected drowsy driver), the detector should be "
     r"tuned for high recall, accepting more false alarms."),
    r"The \(F_1\) score does not depend on the number of true negatives.",
)
#: (false statement, why it is false): the reason is shown in the key.
FALSE = (
    (r"Accuracy is the most informative single number here, because it counts every error.",
     (r"with 2 per cent positives, predicting ``negative'' for everything already reaches 98 per cent "
      r"accuracy; accuracy is dominated by the negatives and hides missed positives.")),
    (r"Raising the decision threshold (predicting positive less readily) always increases the recall.",
     r"fewer predicted positives can only keep or lower the number of true positives, so recall cannot rise."),
    (r"Precision is \(TP/(TP + FN)\).",
     r"that is the recall; precision is \(TP/(TP + FP)\)."),
    (r"The \(F_1\) score is the arithmetic mean of precision and recall.",
     r"it is the harmonic mean \(2PR/(P + R)\), which never exceeds the arithmetic mean."),
    (r"A precision of 1 implies a recall of 1.",
     (r"precision 1 only means there are no false positives; the classifier can still miss many positives "
      r"(false negatives), so recall can be low.")),
    ((r"For a safety-critical detector, a low recall is acceptable as long as the precision is high."),
     r"low recall means many missed positive cases, exactly the costly errors; such a detector needs high recall."),
    (r"The \(F_1\) score rewards a classifier for every true negative it gets right.",
     r"\(F_1 = 2TP/(2TP + FP + FN)\) does not contain the true negatives at all."),
)


class MetricStatements(StatementQuestion):
    id = "dl/classical/metric-statements"
    title = "Precision, recall, F1 and accuracy on imbalanced data: true and false statements"
    topic = "classical"
    tags = ("evaluation", "precision", "recall", "f1", "imbalance", "concepts")
    difficulty = "beginner"
    source = ("seed paper 002 (Q1c, a metric for a safety-critical detector); Manning, Raghavan & Schütze, "
              "Introduction to Information Retrieval (2008), section 8.3")
    stem = (r"A binary classifier is evaluated on a test set in which only about 2 per cent of the examples belong "
            r"to the positive class. Which of the following statements is "
            r"<% if polarity %>TRUE<% else %>FALSE<% endif %>?")
    true_statements = TRUE
    false_statements = FALSE
