"""Number of parameters of one GRU layer.

Formula: 3*(hidden*input + hidden*hidden) + bias_vectors*3*hidden (reset, update and candidate blocks).
Source: PyTorch docs of ``torch.nn.GRU`` (weight_ih_l0 is (3*hidden, input), weight_hh_l0 is
(3*hidden, hidden), biases b_ih and b_hh of length 3*hidden); Cho et al. 2014. See ``_gates.py``.
"""

from ._gates import GatedLayerParams


class GruParams(GatedLayerParams):
    id = "dl/rnn/gru-params"
    title = "Parameters of a GRU layer"
    topic = "rnn"
    tags = ("rnn", "gru", "parameters")
    difficulty = "intermediate"
    source = "seed paper 002 (Q3(c), recurrent parameter count)"
    points = 2.0
    stem = r"""
A single-layer GRU reads input vectors of size \(<<input_size>>\) and has a hidden state of size
\(<<hidden_size>>\). It has three blocks: reset gate, update gate and candidate state, each with its own
input-to-hidden and hidden-to-hidden weight matrices. <<convention>>
How many trainable parameters does the layer have?
"""
    cell = "gru"
    wrong_gates = ((4, "an LSTM"),)
