"""Number of parameters of one LSTM layer.

Formula: 4*(hidden*input + hidden*hidden) + bias_vectors*4*hidden (input, forget, cell-candidate and
output blocks). Source: PyTorch docs of ``torch.nn.LSTM`` (weight_ih_l0 is (4*hidden, input),
weight_hh_l0 is (4*hidden, hidden), biases b_ih and b_hh of length 4*hidden); Hochreiter & Schmidhuber
1997. See ``_gates.py``.
"""

from ._gates import GatedLayerParams


class LstmParams(GatedLayerParams):
    id = "dl/rnn/lstm-params"
    title = "Parameters of an LSTM layer"
    topic = "rnn"
    tags = ("rnn", "lstm", "parameters")
    difficulty = "intermediate"
    source = "seed papers 002 (Q3, RNN/LSTM) and 000 (Minor-I, LSTM gates)"
    points = 2.0
    stem = r"""
A single-layer LSTM reads input vectors of size \(<<input_size>>\) and has a hidden state (and cell state) of
size \(<<hidden_size>>\). It has the usual four gate blocks: input gate, forget gate, cell candidate and output
gate, each with its own input-to-hidden and hidden-to-hidden weight matrices. <<convention>>
How many trainable parameters does the layer have?
"""
    cell = "lstm"
    wrong_gates = ((3, "a GRU"),)
