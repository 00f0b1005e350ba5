"""Derivation: losses from likelihoods. Gaussian NLL to squared error, L2 regularisation as a Gaussian prior
(MAP), Bernoulli NLL to binary cross-entropy and its gradient.

Sources: Bishop, "Pattern Recognition and Machine Learning" (2006), sections 1.2.5 (equation 1.62), 3.3.1
(equation 3.55) and 4.3.2 (equations 4.90-4.91); Prince, "Understanding Deep Learning" (2023), sections 5.3
and 5.4; Goodfellow, Bengio & Courville, "Deep Learning" (2016), sections 5.5-5.6. The numeric counterparts
are ``dl/classical/gaussian-nll`` and ``dl/classical/l2-gaussian-prior``.
"""

from .._essay import GuidedEssay, Prompt

PROMPTS = (
    Prompt(
        (r"A network predicts the means \(f_d(x;\phi)\), \(d = 1, \dots, D\), of independent Gaussian outputs with "
         r"a fixed variance \(\sigma^2\). Write down the \emph{negative log-likelihood} of a training set "
         r"\(\{(x_i, y_i)\}_{i=1}^{I}\) and show that minimising it is the same as minimising the sum of "
         r"\emph{squared} errors. What changes if the network also predicts \(\sigma^2\)?"),
        r"""With independent examples and outputs the likelihood is a product of Gaussian densities:
\[ L(\phi) = -\sum_{i=1}^{I}\sum_{d=1}^{D}\ln\left[\frac{1}{\sqrt{2\pi\sigma^2}}
 \exp\!\left(-\frac{(y_{id} - f_d(x_i;\phi))^2}{2\sigma^2}\right)\right]
 = \frac{ID}{2}\ln(2\pi\sigma^2) + \frac{1}{2\sigma^2}\sum_{i}\sum_{d}\bigl(y_{id} - f_d(x_i;\phi)\bigr)^2. \]
The first term does not depend on \(\phi\), and the factor \(1/(2\sigma^2)\) is a positive constant; neither
changes where the minimum is, so
\(\hat\phi = \arg\min_\phi \sum_i\sum_d (y_{id} - f_d(x_i;\phi))^2\): least squares (MSE up to the factor
\(1/(ID)\)). Maximum likelihood under Gaussian noise with fixed variance is the squared-error loss. If the network
also predicts \(\sigma^2(x)\) (heteroscedastic regression), the terms \(\tfrac12\ln\sigma_i^2\) no longer are
constant and each squared error is weighted by \(1/(2\sigma_i^2)\): the loss
\(\sum_i\bigl[\tfrac12\ln\sigma_i^2 + (y_i - f_i)^2/(2\sigma_i^2)\bigr]\) lets the model down-weight examples it
declares noisy, at the price of the \(\ln\sigma^2\) penalty; it is no longer plain MSE.""",
        ((1, ("likelihood as a product over examples and outputs of Gaussian densities; negative log turns it "
             "into a sum")),
         (1, r"expanded: \(\frac{ID}{2}\ln(2\pi\sigma^2) + \frac{1}{2\sigma^2}\sum(y - f)^2\)"),
         (1, ("the constant term and the positive factor do not move the minimum, so minimising the negative "
             "log-likelihood is minimising the squared errors (MSE)")),
         (1, (r"predicted \(\sigma^2\): the \(\ln\sigma^2\) term and the \(1/\sigma^2\) weights depend on the "
             r"network, a heteroscedastic loss, not plain MSE"))),
        ("negative log-likelihood", "squared"),
        lines=16,
    ),
    Prompt(
        (r"Show that \(L_2\)-regularised linear regression is maximum a posteriori estimation with a zero-mean "
         r"Gaussian \emph{prior} on the weights, and express the regularisation strength \(\lambda\) through the "
         r"noise \emph{variance} \(\sigma^2\) and the prior variance \(\tau^2\)."),
        r"""Model: \(y_i = w^\top x_i + \varepsilon_i\) with \(\varepsilon_i \sim \mathcal{N}(0, \sigma^2)\)
independent, prior \(w \sim \mathcal{N}(0, \tau^2 I)\). By Bayes' rule the posterior is
\(p(w\mid \mathcal{D}) \propto \prod_i \mathcal{N}(y_i\mid w^\top x_i, \sigma^2)\;\mathcal{N}(w\mid 0, \tau^2 I)\),
and the MAP estimate maximises it, or minimises its negative logarithm:
\[ -\ln p(w\mid\mathcal{D}) = \frac{1}{2\sigma^2}\sum_i (y_i - w^\top x_i)^2 + \frac{1}{2\tau^2}\lVert w\rVert^2
 + \text{const}. \]
Multiplying by \(2\sigma^2 > 0\) does not move the minimum:
\[ w_{\text{MAP}} = \arg\min_w \sum_i (y_i - w^\top x_i)^2 + \lambda\lVert w\rVert^2, \qquad
 \lambda = \frac{\sigma^2}{\tau^2}, \]
ridge regression. A broad prior (large \(\tau^2\)) means weak regularisation; as \(\tau^2 \to \infty\) the MAP
estimate tends to the least-squares (maximum-likelihood) solution, while noisy data (large \(\sigma^2\)) lean
more on the prior. (A Laplace prior gives the \(L_1\) penalty in the same way.)""",
        ((1, "posterior proportional to likelihood times prior; MAP minimises the negative log posterior"),
         (1, (r"the two Gaussian terms: \(\frac{1}{2\sigma^2}\sum(y_i - w^\top x_i)^2 + "
             r"\frac{1}{2\tau^2}\lVert w\rVert^2\) plus a constant")),
         (1, r"scaling by \(2\sigma^2\) gives the \(L_2\)-penalised least squares with \(\lambda = \sigma^2/\tau^2\)"),
         (1, (r"interpretation: a broad prior (large variance \(\tau^2\)) means weak regularisation; "
             r"\(\tau^2 \to \infty\) gives least squares"))),
        ("prior", "variance"),
        lines=14,
    ),
    Prompt(
        (r"A binary classifier outputs \(p = \sigma(z)\), read as \(P(y = 1\mid x)\), where \(z\) is the "
         r"\emph{logit}. Derive the negative log-likelihood of a training set, show that it is the binary "
         r"\emph{cross-entropy}, and derive its gradient with respect to \(z\)."),
        r"""Each label is a Bernoulli variable: \(P(y\mid x) = p^{y}(1-p)^{1-y}\) for \(y \in \{0, 1\}\). For
independent examples the negative log-likelihood is
\[ L = -\sum_i \ln\bigl(p_i^{y_i}(1-p_i)^{1-y_i}\bigr) = -\sum_i \bigl[y_i\ln p_i + (1 - y_i)\ln(1 - p_i)\bigr], \]
the binary cross-entropy between the labels and the predicted probabilities. For one example, with
\(\sigma'(z) = \sigma(z)(1 - \sigma(z)) = p(1-p)\):
\[ \frac{\partial \ell}{\partial z} = \left(-\frac{y}{p} + \frac{1-y}{1-p}\right)p(1-p)
 = -y(1-p) + (1-y)p = p - y. \]
The gradient is simply prediction minus target: it stays large when the model is confidently wrong (for
\(y = 1\) and \(p \to 0\) it tends to \(-1\)), whereas a squared error on the sigmoid output,
\((p - y)^2\), has gradient \(2(p - y)p(1 - p)\), which vanishes when the sigmoid saturates.""",
        ((1, r"Bernoulli likelihood \(p^{y}(1-p)^{1-y}\) for independent examples"),
         (1, r"negative log gives \(-\sum[y\ln p + (1-y)\ln(1-p)]\), the binary cross-entropy"),
         (1, r"derivative of the sigmoid with respect to the logit, \(\sigma'(z) = p(1-p)\), in the chain rule"),
         (1, (r"result \(\partial\ell/\partial z = p - y\); no vanishing when confidently wrong (unlike squared "
             r"error on a sigmoid)"))),
        ("logit", "cross-entropy"),
        lines=14,
    ),
)


class LikelihoodDerivations(GuidedEssay):
    id = "dl/classical/likelihood-derivations"
    title = "Derivation: losses from likelihoods (MSE, L2 prior, binary cross-entropy)"
    topic = "classical"
    tags = ("likelihood", "loss", "map", "derivation", "essay")
    difficulty = "advanced"
    points = 4.0
    source = ("seed papers 001 (Q1, the prior of an L2 penalty) and 004 (Q3, Gaussian outputs give a squared-"
              "error loss); Bishop, Pattern Recognition and Machine Learning (2006), sections 1.2.5, 3.3.1, 4.3.2")
    PROMPTS = PROMPTS
