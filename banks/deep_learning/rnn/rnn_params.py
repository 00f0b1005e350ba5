"""Number of parameters of one vanilla (Elman) RNN layer.

Formula: g*(hidden*input + hidden*hidden) + bias_vectors*g*hidden with g = 1.
Source: PyTorch docs of ``torch.nn.RNN`` (h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh));
Elman 1990. See ``_gates.py``.
"""

from generator.answers import Numerical
from generator.question import Question

from ._gates import bias_convention, check, count, count_by_arrays, draw_sizes


class RnnParams(Question):
    id = "dl/rnn/rnn-params"
    title = "Parameters of a vanilla RNN layer"
    topic = "rnn"
    tags = ("rnn", "parameters")
    difficulty = "beginner"
    source = "seed paper 002 (Q3(c), RNN parameter count)"
    points = 2.0
    valid_range = (1, float("inf"))
    stem = r"""
A single-layer vanilla (Elman) RNN reads input vectors of size \(<<input_size>>\) and keeps a hidden state of
size \(<<hidden_size>>\). Its update is
<% if bias_vectors == 2 %>
\[ h_t = \tanh\left(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}\right). \]
<% else %>
\[ h_t = \tanh\left(W_{ih} x_t + W_{hh} h_{t-1} + b\right). \]
<% endif %>
<<convention>>
How many trainable parameters (weights and biases) does the layer have?
"""
    solution = r"""
\(W_{ih}\) is \(<<hidden_size>>\times<<input_size>>\) (\(<<w_ih>>\) weights) and \(W_{hh}\) is
\(<<hidden_size>>\times<<hidden_size>>\) (\(<<w_hh>>\) weights). With <<bias_vectors|counted("bias vector")>> of length \(<<hidden_size>>\) there are \(<<biases>>\) biases. In total
\[ <<w_ih>> + <<w_hh>> + <<biases>> = <<answer.value|num>>. \]
"""

    def draw(self, rng):
        return draw_sizes(rng)

    def working(self, p):
        n_in, n_h, nb = check(p)
        return {"convention": bias_convention(nb, "The layer"), "w_ih": n_h * n_in, "w_hh": n_h * n_h, "biases": nb * n_h}

    def solve(self, p):
        n_in, n_h, nb = check(p)
        return Numerical(count(1, n_in, n_h, nb))

    def verify(self, p):
        n_in, n_h, nb = check(p)
        return count_by_arrays("rnn", n_in, n_h, nb)
