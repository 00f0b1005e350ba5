"""Short explanation: translation equivariance and invariance, weight sharing, other symmetries of CNNs.

Sources: Goodfellow, Bengio & Courville, "Deep Learning" (2016), sections 9.2 (sparse interactions,
parameter sharing, equivariance) and 9.3 (pooling and invariance); Zhang, "Making Convolutional Networks
Shift-Invariant Again" (ICML 2019); Azulay & Weiss, "Why do deep convolutional networks generalize so
poorly to small image transformations?" (JMLR 2019); Cohen & Welling, "Group Equivariant Convolutional
Networks" (ICML 2016).
"""

from .._essay import GuidedEssay, Prompt

PROMPTS = (
    Prompt(
        (r"Define \emph{translation equivariance} and \emph{translation invariance} of a function of an image. "
         r"Which of the two does a convolution layer have, and which does max pooling (approximately) provide? "
         r"Explain why in each case."),
        r"""Let \(T\) shift an image by some offset. A map \(f\) is translation \emph{equivariant} if
\(f(Tx) = T f(x)\): shifting the input shifts the output by the same amount. It is \emph{invariant} if
\(f(Tx) = f(x)\): the output does not change. A convolution layer (stride 1, away from the borders) is
equivariant: the same kernel is applied at every position, so a pattern produces the same response wherever it
appears, only at a shifted location in the feature map. Max pooling over a window gives approximate local
invariance: if a feature moves by less than the window, the maximum over the window is often unchanged, so
small shifts do not change the pooled output. Pooling over the whole map (global pooling) makes the output
invariant to any shift of the map.""",
        ((1, (r"correct definitions of equivariance (\(f(Tx) = T f(x)\), output shifts with the input) and "
             r"invariance (\(f(Tx) = f(x)\), output unchanged)")),
         (1, "convolution is equivariant, because the same kernel (shared weights) is applied at every position"),
         (1, ("max pooling gives approximate invariance to small shifts within its window (global pooling: to any "
             "shift of the map), because the maximum over the window does not depend on where the feature is"))),
        ("equivariance", "invariance", "pooling"),
        lines=10,
    ),
    Prompt(
        (r"Explain \emph{weight sharing} in a convolutional layer. Compare, with formulas, the number of weights of "
         r"a fully connected layer and of a convolution layer with \(3\times 3\) kernels, both mapping a "
         r"\(32\times 32\times 3\) input to a \(32\times 32\times 16\) output, and give two consequences of weight "
         r"sharing."),
        r"""Weight sharing: an output channel of a convolution layer is computed by sliding one kernel over the
whole input, so the same few weights are used at every spatial position instead of each output unit having its
own weights. A fully connected layer between the two tensors needs one weight per input--output pair:
\((32\cdot 32\cdot 3)\cdot(32\cdot 32\cdot 16) = 3072 \cdot 16384 \approx 5.0\times 10^{7}\) weights.
The convolution needs \(k^2 C_{\text{in}} C_{\text{out}} = 9 \cdot 3 \cdot 16 = 432\) weights (plus 16 biases), a
number that does not depend on the image size. Consequences: far fewer parameters (less memory, less data needed,
less overfitting); translation equivariance, so a feature learnt at one position is detected everywhere; the
same layer can be applied to inputs of any size; the computation per weight is higher (each weight is used at
many positions).""",
        ((1, "weight sharing defined: the same kernel weights are used at every spatial position of the input"),
         (1, (r"fully connected: inputs times outputs, \(3072\cdot 16384 \approx 5\times 10^{7}\) weights; "
             r"convolution: \(k^2 C_{\text{in}} C_{\text{out}} = 432\) weights (+16 biases) for any image size")),
         (1, ("two consequences, e.g. far fewer parameters and less overfitting, translation equivariance, "
             "inputs of any size"))),
        ("weight sharing", "fully connected", "consequences"),
        lines=10,
    ),
    Prompt(
        (r"A CNN classifier ends with global average pooling followed by a linear layer. Is its output "
         r"\emph{invariant} to translating the input image? Explain when this holds exactly and when it fails, "
         r"considering the stride of the layers and the image borders."),
        r"""If every layer were a stride-1 convolution with circular padding followed by pointwise
non-linearities, every feature map would be equivariant, and global average pooling (a sum over all positions)
is invariant to a shift of the map, so the output would be exactly invariant. In real networks it holds only
approximately. Strided convolutions and pooling subsample: the network is then equivariant only to shifts by
multiples of the total stride (e.g. 32 pixels); a one-pixel shift changes which positions are sampled
(aliasing), and predictions can change noticeably (Azulay and Weiss 2019). At the borders, content moves out of
the frame and zero padding enters; padding also lets the network encode absolute position. So the output is
roughly, not exactly, shift invariant; anti-aliased (blurred) downsampling and data augmentation with
translations improve it.""",
        ((1, ("the argument: equivariant convolutions followed by (invariant) global average pooling give an "
             "invariant output, exactly only for stride 1 and circular shifts")),
         (1, ("stride and subsampling: equivariance only for shifts by multiples of the total stride; small "
             "shifts change the sampled positions (aliasing)")),
         (1, ("borders: content leaves the frame and padding enters; padding reveals absolute position; "
             "conclusion: only approximate invariance"))),
        ("invariant", "global average pooling", "stride", "border"),
        lines=10,
    ),
    Prompt(
        (r"Convolution is equivariant to translations. Is it also equivariant to \emph{rotations} and to changes "
         r"of \emph{scale} of the input? Explain, and describe one way to make a CNN more robust to such "
         r"transformations."),
        r"""Rotation: no. Rotating the input and then convolving with a fixed kernel is not the same as rotating
the output, because the kernel itself is not rotated (a vertical-edge filter does not respond to a rotated,
now horizontal, edge). Only rotationally symmetric kernels would commute with rotations. Scale: no either: a
kernel has a fixed size in pixels, so an object shown twice as large produces different responses in each
layer; pooling and a deep hierarchy give only partial robustness over a limited range. Remedies: data
augmentation with random rotations and rescalings, so the network learns the invariance from data;
group-equivariant convolutions that apply rotated copies of each filter (Cohen and Welling 2016); multi-scale
processing (image pyramids, feature pyramids) or spatial transformer modules that undo the transformation.""",
        ((1, (r"not rotation-equivariant: a fixed kernel is not rotated with the input (only rotationally "
             r"symmetric kernels would be)")),
         (1, ("not scale-equivariant: the kernel has a fixed size in pixels; pooling gives only partial "
             "robustness to scale")),
         (1, ("one remedy with its reason, e.g. rotation and scale data augmentation, group-equivariant "
             "convolutions, multi-scale pyramids, spatial transformers"))),
        ("rotation", "scale", "equivariant"),
        lines=10,
    ),
)


class ConvSymmetryEssay(GuidedEssay):
    id = "dl/cnn/conv-symmetry-essay"
    title = "Short explanation: equivariance, invariance and weight sharing in CNNs"
    topic = "cnn"
    tags = ("convolution", "equivariance", "weight-sharing", "essay", "concepts")
    difficulty = "intermediate"
    points = 3.0
    source = ("seed paper 000 (Major, CNN questions 1 and 2: invariance, equivariance, weight sharing); "
              "Goodfellow, Bengio & Courville, Deep Learning (2016), sections 9.2 and 9.3")
    PROMPTS = PROMPTS
