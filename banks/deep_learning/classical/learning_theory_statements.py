"""Classical learning theory and its links to deep learning: which statement is true (or false)?

Sources: Novikoff (1962) and Shalev-Shwartz & Ben-David, "Understanding Machine Learning" (2014), theorem 9.1
(perceptron mistake bound), chapter 6 (VC dimension and uniform convergence); Cybenko (1989) and Hornik (1991)
(universal approximation); Bishop, "Pattern Recognition and Machine Learning" (2006), sections 3.3.1 (L2
penalty as a Gaussian prior), 4.1.7 (perceptron criterion) and 10.1 (variational inference); Tibshirani (1996)
(L1 penalty as a Laplace prior).
"""

from generator.statements import StatementQuestion

TRUE = (
    (r"Least squares with an \(L_2\) penalty \(\lambda\lVert w\rVert^2\) is maximum a posteriori estimation "
     r"under Gaussian noise and a zero-mean Gaussian prior on the weights."),
    r"An \(L_1\) penalty \(\lambda\lVert w\rVert_1\) corresponds to a zero-mean Laplace prior on the weights.",
    (r"On linearly separable data with radius \(R\) and margin \(\gamma\), the perceptron makes at most "
     r"\((R/\gamma)^2\) mistakes, however many input dimensions there are."),
    (r"In a bound of the form \(R_{\text{true}} \le R_{\text{emp}} + O\bigl(\sqrt{d_{VC}/n}\bigr)\), the gap term "
     r"shrinks as the number \(n\) of training examples grows."),
    (r"The universal approximation theorem says that one hidden layer with enough units can approximate any "
     r"continuous function on a compact set arbitrarily well, but not how to find the weights."),
    (r"Choosing \(q\) from a family of distributions to minimise \(\mathrm{KL}(q(z)\,\Vert\,p(z\mid x))\) is "
     r"variational inference."),
    (r"The perceptron update \(w \leftarrow w + \eta\, y x\) on a misclassified point is a stochastic gradient "
     r"step on the loss \(\max(0, -y\, w^\top x)\)."),
)
#: (false statement, why it is false): the reason is shown in the key.
FALSE = (
    (r"The universal approximation theorem guarantees that gradient descent finds the approximating network.",
     r"it only states that suitable weights exist; it says nothing about learning them or how many units are needed."),
    (r"The perceptron algorithm converges on any training set if it runs for enough epochs.",
     r"it converges only on linearly separable data; otherwise some point is always misclassified and it cycles."),
    (r"A larger margin \(\gamma\) raises the perceptron's mistake bound.",
     r"the bound \((R/\gamma)^2\) falls as the margin grows: well-separated data need fewer mistakes."),
    (r"An \(L_2\) penalty on the weights corresponds to a Laplace prior.",
     r"an \(L_2\) penalty is a Gaussian prior; a Laplace prior gives the \(L_1\) penalty."),
    ((r"In a bound with gap \(O\bigl(\sqrt{d_{VC}/n}\bigr)\), doubling the VC dimension needs four times as many "
      r"examples for the same gap."),
     r"the gap depends on \(d_{VC}/n\), so doubling \(n\) compensates: the examples needed grow linearly."),
    (r"The perceptron update performs gradient descent on the 0--1 loss.",
     (r"the 0--1 loss is piecewise constant, with zero gradient almost everywhere; the update is SGD on the "
      r"perceptron criterion \(\max(0, -y\, w^\top x)\).")),
    (r"A hypothesis class with a larger VC dimension always generalises better, because it fits the data better.",
     (r"a larger VC dimension widens the gap between training and true risk in the bound; more capacity can "
      r"overfit.")),
)


class LearningTheoryStatements(StatementQuestion):
    id = "dl/classical/learning-theory-statements"
    title = "Classical learning theory: true and false statements"
    topic = "classical"
    tags = ("learning-theory", "perceptron", "regularisation", "concepts")
    difficulty = "intermediate"
    source = ("seed papers 001 (Q1, Q3, Q4, Q5, Q10, Q11: priors, PAC bound, universal approximation, the "
              "perceptron) and 003 (Q6, perceptron convergence theorem); Shalev-Shwartz & Ben-David (2014)")
    stem = (r"Which of the following statements about classical learning theory is "
            r"<% if polarity %>TRUE<% else %>FALSE<% endif %>?")
    true_statements = TRUE
    false_statements = FALSE
