"""Derivation: gradients of softmax cross-entropy through a linear layer, dJ/dZ = A - Y, dJ/dW = (A - Y) X^T,
dJ/dX = W^T (A - Y), dJ/db = (A - Y) 1, and the outer-product form dl/dOmega = (dl/df) h^T of backpropagation.

Sources: Bishop, "Pattern Recognition and Machine Learning" (2006), section 4.3.4 (equation 4.109) and
section 5.3 (backpropagation); Goodfellow, Bengio & Courville, "Deep Learning" (2016), sections 6.2.2.3 and
6.5.4; Prince, "Understanding Deep Learning" (2023), section 7.4. The numeric counterpart is
``dl/backprop/softmax-ce-weight-gradient``.
"""

from .._essay import GuidedEssay, Prompt

PROMPTS = (
    Prompt(
        (r"A linear layer \(Z = WX\) (examples as the columns of \(X\)) is followed by a column-wise "
         r"\emph{softmax} \(A = \operatorname{softmax}(Z)\) and the \emph{cross-entropy} "
         r"\(J = -\sum_i\sum_c Y_{ci}\ln A_{ci}\) with one-hot labels \(Y\). Derive "
         r"\(\partial J/\partial Z = A - Y\) and from it \(\partial J/\partial W = (A - Y)X^\top\)."),
        r"""Take one example (one column) with scores \(z\), probabilities \(a_c = e^{z_c}/\sum_k e^{z_k}\) and
one-hot label \(y\); its loss is \(J = -\sum_c y_c \ln a_c\). The softmax Jacobian is
\(\partial a_c/\partial z_k = a_c(\delta_{ck} - a_k)\) (quotient rule). Hence
\[ \frac{\partial J}{\partial z_k} = -\sum_c \frac{y_c}{a_c}\, a_c(\delta_{ck} - a_k)
 = -y_k + a_k\sum_c y_c = a_k - y_k, \]
because \(\sum_c y_c = 1\). Stacking the columns, \(\partial J/\partial Z = A - Y\). Next,
\(Z_{ki} = \sum_j W_{kj}X_{ji}\), so \(\partial Z_{ki}/\partial W_{kj} = X_{ji}\) and \(W_{kj}\) affects every
example \(i\) (but only row \(k\) of \(Z\)):
\[ \frac{\partial J}{\partial W_{kj}} = \sum_i \frac{\partial J}{\partial Z_{ki}} X_{ji}
 = \sum_i (A - Y)_{ki} X_{ji} = \bigl[(A - Y)X^\top\bigr]_{kj}. \]
Shapes: \((A - Y)\) is \(K\times m\) and \(X^\top\) is \(m\times d\), giving \(K\times d\) like \(W\). With the
mean instead of the sum over examples, the gradient is divided by \(m\).""",
        ((1, r"softmax Jacobian \(\partial a_c/\partial z_k = a_c(\delta_{ck} - a_k)\)"),
         (1, (r"cross-entropy chain rule with \(\partial J/\partial a_c = -y_c/a_c\) and \(\sum_c y_c = 1\) gives "
             r"\(a_k - y_k\), so \(\partial J/\partial Z = A - Y\)")),
         (1, (r"index form through \(Z = WX\): \(\partial J/\partial W_{kj} = \sum_i (A - Y)_{ki}X_{ji}\), summed "
             r"over the examples")),
         (1, r"matrix form \((A - Y)X^\top\) with a shape check (\(K\times m\) times \(m\times d\))")),
        ("softmax", "cross-entropy"),
        lines=16,
    ),
    Prompt(
        (r"For the layer \(Z = WX + b\mathbf{1}^\top\) followed by softmax and cross-entropy (so that "
         r"\(\partial J/\partial Z = A - Y\)), derive the gradient with respect to the input \(X\) and with "
         r"respect to the \emph{bias} \(b\), and check the \emph{shape} of each result."),
        r"""Input: \(Z_{ki} = \sum_j W_{kj}X_{ji} + b_k\), so \(\partial Z_{ki}/\partial X_{ji} = W_{kj}\), and
\(X_{ji}\) affects every class score \(k\) of its own example \(i\) only:
\[ \frac{\partial J}{\partial X_{ji}} = \sum_k W_{kj}(A - Y)_{ki} \quad\Rightarrow\quad
 \frac{\partial J}{\partial X} = W^\top (A - Y). \]
Shape: \(W^\top\) is \(d\times K\) and \(A - Y\) is \(K\times m\), giving \(d\times m\), the shape of \(X\). This is
the error passed backwards to the previous layer. Bias: \(\partial Z_{ki}/\partial b_k = 1\) for every example
\(i\), so
\[ \frac{\partial J}{\partial b_k} = \sum_i (A - Y)_{ki} \quad\Rightarrow\quad
 \frac{\partial J}{\partial b} = (A - Y)\mathbf{1}, \]
the row sums of \(A - Y\) over the examples: a \(K\times 1\) vector, the shape of \(b\). (Equivalently, the bias
is a weight on a constant input 1, and \((A - Y)\mathbf{1}\) is the \(W\)-gradient formula with
\(X\) replaced by a row of ones.)""",
        ((1, r"index form \(\partial J/\partial X_{ji} = \sum_k W_{kj}(A - Y)_{ki}\)"),
         (1, r"matrix form \(W^\top(A - Y)\) with shape \(d\times m\), the shape of \(X\)"),
         (1, r"bias: \(\partial Z_{ki}/\partial b_k = 1\), so \(\partial J/\partial b_k = \sum_i (A - Y)_{ki}\)"),
         (1, r"matrix form \((A - Y)\mathbf{1}\), a \(K\times 1\) vector, the shape of the bias")),
        ("bias", "shape"),
        lines=14,
    ),
    Prompt(
        (r"For a loss \(l(f)\) of a layer output \(f = \beta + \Omega h\) (\(h\) a column vector), show that "
         r"\(\partial l/\partial \Omega = (\partial l/\partial f)\,h^\top\). Explain how this result gives the "
         r"weight gradient of every \emph{layer} of an MLP during \emph{backpropagation}."),
        r"""Element-wise, \(f_i = \beta_i + \sum_j \Omega_{ij}h_j\), so \(\partial f_k/\partial \Omega_{ij} = h_j\) if
\(k = i\) and 0 otherwise. By the chain rule
\[ \frac{\partial l}{\partial \Omega_{ij}} = \sum_k \frac{\partial l}{\partial f_k}\frac{\partial f_k}{\partial \Omega_{ij}}
 = \frac{\partial l}{\partial f_i}\, h_j, \]
which is entry \((i, j)\) of the outer product \(\frac{\partial l}{\partial f}h^\top\); likewise
\(\partial l/\partial\beta = \partial l/\partial f\). In an MLP, layer \(k\) computes
\(f_k = \beta_k + \Omega_k h_k\) and \(h_{k+1} = a(f_k)\). The forward pass stores every \(h_k\) and \(f_k\). The
backward pass starts from \(\partial l/\partial f_K\) at the output and goes back layer by layer:
\(\partial l/\partial h_k = \Omega_k^\top\,\partial l/\partial f_k\) and
\(\partial l/\partial f_{k-1} = a'(f_{k-1})\odot \partial l/\partial h_k\). At each layer the weight gradient is
the outer product of the backpropagated error \(\partial l/\partial f_k\) and the stored input activation
\(h_k\): \(\partial l/\partial\Omega_k = (\partial l/\partial f_k)h_k^\top\), with the bias gradient equal to the
error itself; for a batch these outer products are summed over the examples.""",
        ((1, r"element-wise derivative \(\partial f_i/\partial\Omega_{ij} = h_j\) (zero for other outputs)"),
         (1, (r"chain rule gives \(\partial l/\partial\Omega_{ij} = (\partial l/\partial f_i)h_j\), the outer "
             r"product \((\partial l/\partial f)h^\top\)")),
         (1, (r"backpropagation recursion: \(\partial l/\partial h_k = \Omega_k^\top \partial l/\partial f_k\), "
             r"then multiply by \(a'(f_{k-1})\) element-wise")),
         (1, ("every layer's weight gradient is the outer product of its backpropagated error and its stored "
             "input activation (summed over a batch); bias gradient is the error"))),
        ("backpropagation", "layer"),
        lines=16,
    ),
)


class SoftmaxGradientDerivation(GuidedEssay):
    id = "dl/backprop/softmax-gradient-derivation"
    title = "Derivation: gradients of softmax cross-entropy through a linear layer"
    topic = "backprop"
    tags = ("backprop", "softmax", "cross-entropy", "derivation", "essay")
    difficulty = "advanced"
    points = 4.0
    source = ("seed paper 004 (Q7, show dl/dOmega = dl/df h^T); Bishop, Pattern Recognition and Machine Learning "
              "(2006), sections 4.3.4 and 5.3; Goodfellow, Bengio & Courville, Deep Learning (2016), section 6.5")
    PROMPTS = PROMPTS
