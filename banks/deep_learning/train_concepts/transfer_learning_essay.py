"""Short explanation: transfer learning and fine-tuning, self-supervised and contrastive learning.

Sources: Yosinski et al., "How transferable are features in deep neural networks?" (NeurIPS 2014); Goodfellow,
Bengio & Courville, "Deep Learning" (2016), section 15.2; Chen et al., "A Simple Framework for Contrastive
Learning of Visual Representations" (SimCLR, ICML 2020); Oord, Li & Vinyals, "Representation Learning with
Contrastive Predictive Coding" (2018) (InfoNCE); Devlin et al., "BERT" (NAACL 2019); He et al., "Masked
Autoencoders Are Scalable Vision Learners" (CVPR 2022).
"""

from .._essay import GuidedEssay, Prompt

PROMPTS = (
    Prompt(
        (r"You have 2000 labelled images for a new classification task and a CNN \emph{pretrained} on ImageNet. "
         r"Describe how you would use transfer learning, and how your plan changes if the new images are very "
         r"\emph{different} from ImageNet (for example X-ray scans) or if you had 200000 labelled images."),
        r"""Start by replacing the final classification layer with a new one for the new classes. With 2000
images and natural photographs similar to ImageNet, first freeze the pretrained layers and train only the new
head (the network is a fixed feature extractor), which avoids overfitting the small data set; then optionally
unfreeze the top layers and fine-tune them together with the head with a small learning rate (for example 10
times smaller), with data augmentation and early stopping on a validation set. This works because early layers
learn generic features (edges, textures) and later layers more task-specific ones (Yosinski et al.\ 2014). If
the images are very different (X-rays: grey-scale, other structures), the later, ImageNet-specific features fit
less well, so more layers should be fine-tuned, possibly all of them with a small learning rate, and pretrained
weights still give a better start than random ones; augmentations must suit the domain. With 200000 images
there is enough data to fine-tune the whole network (or even train from scratch), still usually starting from
the pretrained weights because they converge faster and often generalise better.""",
        ((1, ("small, similar data: replace the head, freeze the pretrained backbone and train the head (feature "
             "extraction), then optionally fine-tune the top layers with a small learning rate")),
         (1, ("very different images: later features transfer less well, so fine-tune more (or all) layers; "
             "pretrained weights are still a better start")),
         (1, ("large data set: fine-tune the whole network (or train from scratch); with the reason that early "
             "layers are generic and late layers specific"))),
        ("pretrained", "different"),
        lines=12,
    ),
    Prompt(
        (r"What is the difference between using a pretrained network as a fixed \emph{feature extractor} and "
         r"\emph{fine-tuning} it? Why is a smaller \emph{learning rate} usually used for the pretrained layers when "
         r"fine-tuning?"),
        r"""Feature extractor: the pretrained layers are frozen (no gradient updates); the images are passed
through them and only a new head (a linear layer or small MLP) is trained on the resulting features. It is
cheap, has few trainable parameters and suits small data sets similar to the pretraining data. Fine-tuning:
the pretrained weights are the initialisation and are updated by backpropagation on the new task, all of them
or the top layers; the features adapt to the new data, which helps when there is more data or the domain
differs, at a higher cost and risk of overfitting. A smaller learning rate for the pretrained layers: their
weights are already good, and the aim is to adjust them slightly; large steps, especially early on, when the
randomly initialised head produces large and noisy gradients, would destroy the useful features (catastrophic
forgetting) and overfit the small new data set. Common practice: train the head first with the backbone frozen,
then fine-tune with a learning rate about 10 times smaller, or with layer-wise (discriminative) learning rates.""",
        ((1, "feature extractor: pretrained layers frozen, only a new head is trained on their features"),
         (1, ("fine-tuning: pretrained weights initialise the network and are updated on the new task (all or the "
             "top layers)")),
         (1, ("small learning rate: the pretrained weights are already good; large steps (noisy gradients from "
             "the new head) would destroy the features and overfit"))),
        ("feature extractor", "fine-tuning", "learning rate"),
        lines=12,
    ),
    Prompt(
        (r"Explain \emph{contrastive} self-supervised learning as in SimCLR: how \emph{positive} and negative pairs "
         r"are formed, what loss is minimised, and why the choice of \emph{augmentation} is essential."),
        r"""Each image in a batch of \(N\) is augmented twice at random (random crop and resize, colour
distortion, blur) to give two views; an encoder (e.g. a ResNet) and a small projection head map each view to a
vector \(z\). The two views of the same image form a positive pair; the other \(2N - 2\) views in the batch
are negatives for it. The loss (NT-Xent, a form of InfoNCE) for a positive pair \((i, j)\) is
\[ \ell_{ij} = -\ln \frac{\exp(\operatorname{sim}(z_i, z_j)/\tau)}{\sum_{k \ne i} \exp(\operatorname{sim}(z_i, z_k)/\tau)}, \]
with cosine similarity and a temperature \(\tau\), averaged over all positive pairs: a softmax classification of
which of the other views is the partner. It pulls the two views of an image together and pushes views of
different images apart. The augmentations decide what the representation learns to ignore: it becomes
invariant to exactly those changes. Without strong augmentation the task is trivial (two crops of one image can
be matched by their colour histogram), and SimCLR found the composition of cropping and colour distortion
crucial. After pretraining the projection head is discarded and the encoder's features are used with a linear
classifier or fine-tuned.""",
        ((1, ("pairs: two random augmentations of the same image are a positive pair; views of the other images "
             "in the batch are negatives")),
         (1, (r"loss: NT-Xent/InfoNCE, \(-\ln\) of the softmax of the positive pair's cosine similarity over all "
             r"other views, with a temperature; contrastive: pulls positives together, pushes negatives apart")),
         (1, ("augmentation is essential: it defines the invariances learned; without strong augmentation "
             "(crop plus colour) the task is solved by low-level cues"))),
        ("contrastive", "positive", "augmentation"),
        lines=12,
    ),
    Prompt(
        (r"What is \emph{self-supervised} learning, and how does it differ from supervised and unsupervised "
         r"learning? Describe one \emph{pretext} task and how the learned representation is then used."),
        r"""In self-supervised learning the training targets are generated automatically from the data itself:
part of each input, or a transformation of it, is predicted from the rest, so no human labels are needed. It
differs from supervised learning, which needs annotated targets, and it is a kind of unsupervised learning that
uses supervised-style losses (classification, regression) on these automatic targets, rather than, for example,
clustering or density estimation. Pretext tasks: masked language modelling (BERT predicts masked words from the
context), next-token prediction (GPT), masked image modelling (a masked autoencoder reconstructs the pixels of
75 per cent of randomly masked patches), rotation prediction, jigsaw puzzles, colourisation, or contrastive
instance discrimination (SimCLR). Solving the task requires understanding the content, so the network learns
useful features. Use: pretrain on a large unlabelled data set, then transfer: train a linear classifier on the
frozen features (linear probing) or fine-tune the whole network on a small labelled data set for the target
task, which helps most when labels are scarce.""",
        ((1, ("self-supervised defined: targets generated from the data itself, no human labels; unlike supervised "
             "learning, and a form of unsupervised learning with supervised-style losses")),
         (1, ("one pretext task described (e.g. masked language or image modelling, next-token prediction, "
             "rotation prediction, contrastive learning)")),
         (1, ("use: pretrain on unlabelled data, then linear probing or fine-tuning on a small labelled data "
             "set"))),
        ("self-supervised", "pretext"),
        lines=12,
    ),
)


class TransferLearningEssay(GuidedEssay):
    id = "dl/train/transfer-learning-essay"
    title = "Short explanation: transfer learning, fine-tuning and self-supervised learning"
    topic = "train"
    tags = ("transfer-learning", "fine-tuning", "self-supervised", "contrastive", "essay", "concepts")
    difficulty = "intermediate"
    points = 3.0
    source = ("seed paper 000 (Quiz-3, masked image patches; Major, teacher/student models); Yosinski et al. "
              "(NeurIPS 2014); Chen et al., SimCLR (ICML 2020); He et al., Masked Autoencoders (CVPR 2022)")
    PROMPTS = PROMPTS
