"""Short explanation: batch vs layer normalisation, residual connections, pre-norm and post-norm blocks.

Sources: Ioffe & Szegedy, "Batch Normalization" (ICML 2015); Ba, Kiros & Hinton, "Layer Normalization" (2016);
Santurkar et al., "How Does Batch Normalization Help Optimization?" (NeurIPS 2018); He et al., "Deep Residual
Learning for Image Recognition" (CVPR 2016) and "Identity Mappings in Deep Residual Networks" (ECCV 2016);
Xiong et al., "On Layer Normalization in the Transformer Architecture" (ICML 2020).
"""

from .._essay import GuidedEssay, Prompt

PROMPTS = (
    Prompt(
        (r"Compare \emph{batch} normalisation and \emph{layer normalisation}: over which dimensions does each "
         r"compute its mean and variance, how does each behave at \emph{inference} time, and why do transformers "
         r"use layer normalisation?"),
        r"""Both subtract a mean, divide by a standard deviation and then apply a learned scale \(\gamma\) and shift
\(\beta\) per feature; they differ in what the statistics are taken over. Batch normalisation normalises each
feature (channel) with the mean and variance over the examples of the mini-batch (and, for convolutions, over
all spatial positions): statistics over \(N\) (and \(H, W\)) per channel. Layer normalisation normalises each
example (each token) on its own, with the mean and variance over its features: statistics over \(C\) (and
\(H, W\)) per example. At inference, batch normalisation cannot rely on a batch, so it uses running averages of
the mean and variance collected during training; the layer behaves differently in training and evaluation mode
and its quality depends on the batch size and on how well those averages match the test data. Layer
normalisation computes the same statistics in training and at inference and does not depend on the batch at
all. Transformers use it because sequences have variable lengths and padding, batches are often small, and
autoregressive decoding processes one token at a time, so batch statistics would be unreliable or unavailable;
a per-token normalisation works with a batch of one (the same argument applies to RNNs).""",
        ((1, ("dimensions: batch normalisation per feature or channel over the batch (and spatial positions); layer "
             "normalisation per example or token over its features; both with learned scale and shift")),
         (1, ("inference: batch normalisation uses running averages from training (train and eval mode differ, "
             "depends on batch size); layer normalisation is the same at train and test time")),
         (1, ("transformers: variable lengths, padding, small batches and token-by-token decoding make batch "
             "statistics unreliable; per-token normalisation works with any batch size"))),
        ("batch", "layer normalisation", "inference", "transformer"),
        lines=12,
    ),
    Prompt(
        (r"Explain how a \emph{residual} connection \(y = x + F(x)\) changes the \emph{gradient} that reaches earlier "
         r"layers, and why this makes very deep networks trainable."),
        r"""By the chain rule, \(\frac{\partial L}{\partial x} = \frac{\partial L}{\partial y}\bigl(I +
\frac{\partial F}{\partial x}\bigr)\). Over a stack of residual blocks \(x_{l+1} = x_l + F_l(x_l)\) this gives
\(\frac{\partial L}{\partial x_l} = \frac{\partial L}{\partial x_L}\bigl(I + \frac{\partial}{\partial x_l}
\sum_{i=l}^{L-1} F_i(x_i)\bigr)\): the gradient at the output reaches every earlier layer through the identity
term directly, instead of only as a product of the Jacobians of all layers in between, whose norm can shrink or
grow exponentially with depth. So early layers keep receiving a useful gradient (no vanishing gradient through
the shortcut path). Why deep networks become trainable: plain networks get a higher training error as they get
deeper (the degradation problem), an optimisation difficulty rather than overfitting. A residual block only has
to learn the change \(F(x) = H(x) - x\) to its input; with small weights it starts near the identity, so adding
blocks cannot make the best achievable fit worse, and the loss surface is better conditioned. This made
networks with more than 100 layers (ResNet-152) trainable with plain SGD.""",
        ((1, (r"gradient of a residual block: \(\frac{\partial L}{\partial y}(I + \partial F/\partial x)\); over many "
             r"blocks an identity term carries the gradient straight to early layers")),
         (1, ("consequence: the gradient is not only a product of many Jacobians, so it does not vanish through "
             "the shortcut")),
         (1, ("why deep networks train: plain deep networks show degradation (higher training error); residual "
             "blocks learn a change to the identity and start near it, so depth does not hurt optimisation"))),
        ("residual", "gradient", "deep"),
        lines=12,
    ),
    Prompt(
        (r"Why does \emph{batch normalisation} usually speed up training, what is the role of its learned "
         r"\emph{scale} and shift parameters, and what problems can it cause?"),
        r"""Batch normalisation standardises each feature's pre-activations over the mini-batch, so the inputs of
every layer keep a stable scale and centre however the earlier layers change (the original motivation,
``internal covariate shift''); analyses show it also makes the loss surface smoother, with better-behaved
gradients (Santurkar et al.\ 2018). In practice this allows higher learning rates, makes training much less
sensitive to the initialisation, and the noise of the batch statistics adds a mild regularising effect. The
learned scale \(\gamma\) and shift \(\beta\) restore the layer's expressive power: the normalised value
\(\hat x\) becomes \(\gamma\hat x + \beta\), so the network can choose any mean and scale for each feature,
including undoing the normalisation (\(\gamma = \sigma\), \(\beta = \mu\)), and a bias before the
normalisation becomes redundant. Problems: with small batches the statistics are noisy and training degrades;
training and inference differ (running averages), which hurts when the test data's statistics differ from the
training data's; it couples examples within a batch; and it is awkward for recurrent and sequence models and in
distributed training, where statistics must be synchronised across devices.""",
        ((1, ("why batch normalisation helps: normalised layer inputs keep a stable scale (covariate shift argument, smoother loss "
             "surface), allowing higher learning rates and less sensitivity to the initialisation")),
         (1, (r"learned scale \(\gamma\) and shift \(\beta\) restore expressiveness: any mean and scale per feature, "
             r"even undoing the normalisation")),
         (1, ("problems: small batches give noisy statistics, train/inference mismatch of the running averages, "
             "unsuited to RNNs or sequence models"))),
        ("batch normalisation", "scale"),
        lines=12,
    ),
    Prompt(
        (r"In a transformer block, where are the residual connections and layer normalisations placed in the "
         r"\emph{post-norm} and \emph{pre-norm} variants, and why is pre-norm easier to train in deep models?"),
        r"""Post-norm (the original Transformer): each sub-layer (self-attention, feed-forward) is wrapped as
\(x \leftarrow \operatorname{LN}(x + \operatorname{Sublayer}(x))\), so the normalisation sits on the residual
path, after the addition. Pre-norm: \(x \leftarrow x + \operatorname{Sublayer}(\operatorname{LN}(x))\), the
normalisation is applied only to the input of the branch, and one final layer normalisation follows the last
block. In pre-norm the residual stream is a pure sum of the block outputs, an identity path from the input to
the output, so gradients reach every layer directly and are well scaled at initialisation. In post-norm every
layer normalisation on the main path rescales the gradient; at initialisation the gradients near the output are
large (Xiong et al.\ 2020), so training needs a careful learning-rate warm-up and deep post-norm stacks often
diverge. Pre-norm therefore trains stably with little or no warm-up and larger learning rates; post-norm can give
slightly better final results when it does train.""",
        ((1, (r"placement: post-norm \(\operatorname{LN}(x + \operatorname{Sublayer}(x))\) on the residual path; "
             r"pre-norm \(x + \operatorname{Sublayer}(\operatorname{LN}(x))\) with a final normalisation")),
         (1, ("pre-norm keeps an identity residual path from input to output, so gradients reach all layers "
             "directly")),
         (1, ("post-norm rescales the gradient at each layer on the main path, large gradients near the output "
             "at initialisation, so it needs learning-rate warm-up and is less stable when deep"))),
        ("post-norm", "pre-norm"),
        lines=12,
    ),
)


class NormalisationEssay(GuidedEssay):
    id = "dl/train/normalisation-residual-essay"
    title = "Short explanation: batch and layer normalisation, residual connections"
    topic = "train"
    tags = ("normalisation", "batch-norm", "layer-norm", "resnet", "essay", "concepts")
    difficulty = "intermediate"
    points = 3.0
    source = ("seed papers 000 (Minor-I, Q2, skip connections) and 001 (Q14, batch normalisation at inference); "
              "Ioffe & Szegedy (ICML 2015); Ba, Kiros & Hinton (2016); He et al. (CVPR 2016); Xiong et al. "
              "(ICML 2020)")
    PROMPTS = PROMPTS
