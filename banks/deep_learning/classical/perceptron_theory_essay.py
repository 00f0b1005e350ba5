"""Derivation and explanation: the perceptron convergence theorem, the perceptron as SGD on a loss, and
non-separable data.

Sources: Novikoff, "On convergence proofs for perceptrons" (1962); Shalev-Shwartz & Ben-David, "Understanding
Machine Learning" (2014), theorem 9.1 and its proof; Bishop, "Pattern Recognition and Machine Learning" (2006),
section 4.1.7 (the perceptron criterion); Freund & Schapire, "Large Margin Classification Using the Perceptron
Algorithm" (1999) (voted and averaged perceptron); Gallant, "Perceptron-based learning algorithms" (1990) (pocket
algorithm). The numeric counterparts are ``dl/classical/perceptron-updates`` and
``dl/classical/perceptron-mistake-bound``.
"""

from .._essay import GuidedEssay, Prompt

PROMPTS = (
    Prompt(
        (r"Prove the perceptron \emph{convergence} theorem: if \(\lVert x_i\rVert \le R\) for all examples and a "
         r"unit vector \(u\) satisfies \(y_i u^\top x_i \ge \gamma > 0\) for all \(i\), the perceptron started at "
         r"\(w_0 = 0\) (update \(w \leftarrow w + y_i x_i\) on a \emph{mistake}, \(y_i w^\top x_i \le 0\)) makes at "
         r"most \((R/\gamma)^2\) mistakes."),
        r"""Let \(w_k\) be the weights after the \(k\)-th mistake, made on example \((x, y)\), so
\(w_k = w_{k-1} + y x\). Growth along \(u\): \(u^\top w_k = u^\top w_{k-1} + y\,u^\top x \ge u^\top w_{k-1} +
\gamma\), so by induction from \(w_0 = 0\), \(u^\top w_k \ge k\gamma\). Growth of the norm:
\(\lVert w_k\rVert^2 = \lVert w_{k-1}\rVert^2 + 2y\,w_{k-1}^\top x + \lVert x\rVert^2 \le \lVert w_{k-1}\rVert^2
+ R^2\), because the update happens only on a mistake, where \(y\,w_{k-1}^\top x \le 0\), and \(y^2 = 1\); so
\(\lVert w_k\rVert^2 \le kR^2\). Combining with the Cauchy--Schwarz inequality and \(\lVert u\rVert = 1\):
\[ k\gamma \le u^\top w_k \le \lVert u\rVert\,\lVert w_k\rVert \le \sqrt{k}\,R
 \quad\Rightarrow\quad \sqrt{k} \le \frac{R}{\gamma} \quad\Rightarrow\quad k \le \left(\frac{R}{\gamma}\right)^2. \]
The bound holds for any order of the examples and any number of passes, and does not depend on the dimension
or the number of examples: a larger margin relative to the data's radius means fewer mistakes.""",
        ((1, r"each mistake raises \(u^\top w\) by at least \(\gamma\): \(u^\top w_k \ge k\gamma\)"),
         (1, (r"each mistake raises \(\lVert w\rVert^2\) by at most \(R^2\), using \(y\,w^\top x \le 0\) on a "
             r"mistake: \(\lVert w_k\rVert^2 \le kR^2\)")),
         (1, r"Cauchy--Schwarz with \(\lVert u\rVert = 1\): \(k\gamma \le \lVert w_k\rVert \le \sqrt{k}R\)"),
         (1, (r"conclusion (convergence): the number of mistakes \(k \le (R/\gamma)^2\), independent of order and "
              r"dimension"))),
        ("mistake", "convergence"),
        lines=16,
    ),
    Prompt(
        (r"Show that the perceptron update \(w \leftarrow w + \eta\,y_i x_i\) on a misclassified example is a "
         r"stochastic gradient step on a \emph{loss}; name that loss, compare it with the \emph{hinge} loss of "
         r"SVMs, and say why the 0--1 loss cannot be minimised this way."),
        r"""Consider the perceptron criterion \(\ell(w; x, y) = \max(0, -y\,w^\top x)\). For a correctly classified
example (\(y\,w^\top x > 0\)) the loss and its gradient are 0, so nothing changes. For a misclassified one the
loss is \(-y\,w^\top x\) with gradient \(-y x\), and a stochastic gradient step with learning rate \(\eta\) is
\(w \leftarrow w - \eta(-y x) = w + \eta y x\): exactly the perceptron update. So the perceptron runs SGD on the
perceptron loss (with the convention that a point on the boundary counts as a mistake). The hinge loss
\(\max(0, 1 - y\,w^\top x)\) differs by the margin of 1: it also penalises correct predictions that are not
confident enough, so its minimiser (with an \(L_2\) penalty: the SVM) seeks a large margin, while the perceptron
stops at any separating hyperplane, however close to the data. The 0--1 loss \(\mathbf{1}[y\,w^\top x \le 0]\) is
piecewise constant in \(w\): its gradient is zero almost everywhere and undefined at the jumps, so gradient
steps carry no information; the perceptron and hinge losses are convex surrogates of it.""",
        ((1, r"perceptron loss \(\max(0, -y\,w^\top x)\): zero for correct examples, gradient \(-yx\) for a mistake"),
         (1, r"the SGD step \(w - \eta(-yx)\) is exactly the perceptron update"),
         (1, (r"hinge loss \(\max(0, 1 - y\,w^\top x)\) adds a margin of 1: it penalises unconfident correct "
             r"predictions, giving large-margin solutions (SVM); the perceptron stops at any separator")),
         (1, ("0--1 loss: piecewise constant, gradient zero almost everywhere, so gradient steps are "
             "uninformative; convex surrogates are used instead"))),
        ("loss", "hinge"),
        lines=14,
    ),
    Prompt(
        (r"What happens when the perceptron algorithm is run on data that are not linearly \emph{separable}? "
         r"Explain why, and describe two practical remedies."),
        r"""The convergence theorem needs a separating vector with a positive margin. Without one, every pass
through the data contains at least one mistake, so the weights never stop changing: the algorithm does not
converge and cycles (the weight vector stays bounded but keeps moving between a set of values, by the
perceptron cycling theorem), and the final weights depend on where training happens to be stopped; they can be
poor even when a good linear classifier exists. Remedies: the pocket algorithm keeps (``in the pocket'') the
weights with the fewest training errors seen so far and returns them; the voted or averaged perceptron returns
the average of all intermediate weight vectors (or a vote weighted by how long each survived), which is stable
and generalises well; a decreasing learning rate together with a maximum number of epochs; replacing the
perceptron loss by a loss with a unique minimiser, such as logistic regression or a soft-margin SVM (hinge loss
with \(L_2\) penalty); or making the data separable with non-linear features or kernels (a multi-layer
network).""",
        ((1, ("no convergence: every pass contains mistakes, so the weights keep changing (cycling); the result "
             "depends on when training stops")),
         (1, ("why: the convergence theorem requires a separating vector with positive margin, which does not "
             "exist for non-separable data")),
         (1, "first remedy with its idea, e.g. pocket algorithm, averaged or voted perceptron"),
         (1, ("second remedy, e.g. a decreasing learning rate with an epoch limit, logistic regression or "
             "soft-margin SVM, non-linear features or kernels"))),
        ("separable", "remed"),
        lines=14,
    ),
)


class PerceptronTheoryEssay(GuidedEssay):
    id = "dl/classical/perceptron-theory-essay"
    title = "Derivation: perceptron convergence, its loss, and non-separable data"
    topic = "classical"
    tags = ("perceptron", "learning-theory", "derivation", "essay")
    difficulty = "advanced"
    points = 4.0
    source = ("seed papers 001 (Q5, the loss behind the perceptron update; Q11, the mistake bound) and 003 (Q6, "
              "perceptron convergence theorem); Novikoff (1962); Shalev-Shwartz & Ben-David (2014), theorem 9.1")
    PROMPTS = PROMPTS
