"""Short explanation: Vision Transformer patching, patch embedding, the class token and inductive bias.

Sources: Dosovitskiy et al., "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale"
(ICLR 2021), sections 3.1 (patch embedding, [class] token, position embeddings, resolution change) and 4
(pre-training data size); Touvron et al., "Training data-efficient image transformers & distillation through
attention" (DeiT, ICML 2021); He et al., "Masked Autoencoders Are Scalable Vision Learners" (CVPR 2022).
"""

from .._essay import GuidedEssay, Prompt

PROMPTS = (
    Prompt(
        (r"Explain how a Vision Transformer (ViT) turns an image into a sequence of tokens. For a "
         r"\(224\times 224\) RGB image, \(16\times 16\) patches and model width \(D = 512\), give the number of "
         r"tokens entering the encoder and the shape of the patch-embedding weight matrix."),
        r"""The image is cut into non-overlapping \(P\times P\) patches; each patch is flattened into a vector of
\(P^2 C\) numbers and mapped by one linear projection, shared by all patches, to a \(D\)-dimensional patch
embedding (equivalently, a convolution with kernel size and stride \(P\) and \(D\) output channels). A learnable
[class] token is prepended and a position embedding is added to every token, so the encoder sees a sequence of
\(D\)-dimensional tokens like the word embeddings of a sentence. Here there are
\((224/16)^2 = 14^2 = 196\) patches, so \(196 + 1 = 197\) tokens, a \(197\times 512\) input. Each flattened
patch has \(16\cdot 16\cdot 3 = 768\) values, so the projection weight is a \(768\times 512\) matrix (plus a
bias of 512), whatever the number of patches.""",
        ((1, r"patching: non-overlapping \(P\times P\) patches, each flattened to \(P^2 C\) values"),
         (1, (r"one shared linear projection (a convolution with stride equal to the patch size) to width \(D\), a "
             "[class] token prepended and position embeddings added to the tokens")),
         (1, (r"numbers: \(14^2 = 196\) patches plus the class token, 197 tokens; weight "
             r"\(768\times 512\) (plus a bias of 512)"))),
        ("patch", "tokens", "weight"),
        lines=10,
    ),
    Prompt(
        (r"What is the role of the \emph{[class] token} (CLS token) in a Vision Transformer, why can it summarise "
         r"the image, and what is an alternative way to obtain the image representation for classification?"),
        r"""The [class] token is an extra learnable embedding prepended to the sequence of patch embeddings, with
its own position embedding; it carries no image content of its own. Its output from the last encoder layer is
taken as the representation of the whole image and fed to the classification head (an MLP or linear layer);
the loss trains it to collect the evidence needed. It can summarise the image because in every layer it
attends to all patch tokens through self-attention, so its state becomes a learned, weighted aggregate of
global information from the whole image, and it is not tied to any one location. Alternative: global average
pooling of the output tokens of all patches (their mean), followed by the head; the ViT paper reports both
work similarly once the learning rate is tuned, and several later models use the mean of the tokens.""",
        ((1, ("the class token: a learnable embedding prepended to the patch tokens; its final output feeds the "
             "classification head")),
         (1, ("why it works: through self-attention in every layer it attends to all patches and aggregates "
             "global information")),
         (1, ("alternative: global average pooling of the output patch tokens (mean of the tokens) before the "
             "head"))),
        ("class", "token", "alternative"),
        lines=10,
    ),
    Prompt(
        (r"Why does a Vision Transformer split the image into patches instead of using every \emph{pixel} as a "
         r"token? Discuss the cost of self-attention and the trade-off in choosing the \emph{patch size}."),
        r"""Self-attention compares every token with every other: with \(N\) tokens of width \(D\) a layer costs
\(O(N^2 D)\) time and \(O(N^2)\) memory for the attention weights. With one token per pixel a \(224\times 224\)
image gives \(N = 50176\) and about \(2.5\times 10^{9}\) attention weights per head and layer, which is
infeasible; \(16\times 16\) patches give \(N = 196\) and about \(3.8\times 10^{4}\). Patch size trade-off:
the number of tokens is \((H/P)(W/P)\), so halving \(P\) quadruples \(N\) and multiplies the attention cost by
about 16. Smaller patches keep finer spatial detail and usually give higher accuracy (ViT-B/16 beats ViT-B/32),
at a much higher cost; larger patches are cheap but coarse, and small objects may fall within one patch. The
patch projection also acts as a first, local feature extractor.""",
        ((1, (r"self-attention cost grows quadratically with the number of tokens, \(O(N^2 D)\); one token per "
             r"pixel (about 50000 tokens) is infeasible")),
         (1, (r"patch size: \(N = HW/P^2\), halving the patch size gives 4 times the tokens and about 16 times the "
             r"attention cost")),
         (1, ("trade-off: smaller patches keep finer detail and usually give higher accuracy, larger patches are "
             "cheaper but coarser"))),
        ("pixel", "patch size", "cost"),
        lines=10,
    ),
    Prompt(
        (r"A Vision Transformer has much less image-specific \emph{inductive bias} than a CNN. Explain what this "
         r"means, what it implies for the amount of training data needed, and how ViTs are trained in practice "
         r"to cope with it."),
        r"""A CNN builds assumptions about images into every layer: locality (small kernels), translation
equivariance (weight sharing) and a spatial hierarchy (pooling). In a ViT only the patch cutting (and the
resizing of position embeddings) uses the 2-D structure; self-attention is global from the first layer and the
position embeddings start with no notion of neighbourhood, so spatial relations must be learned from data.
Consequence: trained on a mid-sized data set such as ImageNet-1k alone, ViT does worse than ResNets of similar
size; pre-trained on very large data sets (ImageNet-21k, JFT-300M) it matches or beats them, because with
enough data learning the structure beats assuming it. In practice: large-scale pre-training followed by
fine-tuning; or, on smaller data, strong augmentation and regularisation (RandAugment, Mixup, CutMix, stochastic
depth) and distillation from a CNN teacher (DeiT); self-supervised pre-training such as masked autoencoders; or
hybrid models with a convolutional stem.""",
        ((1, ("inductive bias explained: CNNs assume locality, translation equivariance and hierarchy in every "
             "layer; ViT only through patching, attention is global and spatial relations are learned")),
         (1, ("data: worse than comparable CNNs on mid-sized data, better after pre-training on very large data "
             "sets")),
         (1, ("practice: large-scale pre-training then fine-tuning, or strong augmentation and regularisation, "
             "distillation (DeiT), self-supervised pre-training"))),
        ("inductive bias", "data"),
        lines=10,
    ),
)


class VitPatchingEssay(GuidedEssay):
    id = "dl/attention/vit-patching-essay"
    title = "Short explanation: image patching in the Vision Transformer"
    topic = "attention"
    tags = ("transformer", "vision-transformer", "essay", "concepts")
    difficulty = "intermediate"
    points = 3.0
    source = ("seed paper 002 (Q3e, image patching in the Vision Transformer); Dosovitskiy et al., An Image is "
              "Worth 16x16 Words (ICLR 2021)")
    PROMPTS = PROMPTS
