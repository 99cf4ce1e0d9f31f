// The gan lesson's text. A small markdown subset rendered by web/text.mjs into DOM nodes (never as
// HTML): '## ' headings, '- ' lists, paragraphs, **bold**, `code`, $inline$ and $$display$$ KaTeX.
export const text = `
A **generative adversarial network** is two networks in a game. The **generator** $G$ turns noise
$z \\sim N(0, I)$ into a sample $G(z)$; the **discriminator** $D$ says how likely a sample is to be
real, $D(x) = \\sigma(a(x))$. $D$ learns to tell data from fakes, $G$ learns to fool $D$; $G$ never
sees the data, only the gradient of $D$'s judgement. Press **Play**.

## The game and the picture
The course lists GANs for making more training data when there is little, for style transfer and
for generating images; here both networks are small and train live, on points you can watch and
on real digits. The value of the game:

$$\\min_G \\max_D \\; V(D, G) = \\mathbb{E}_{x \\sim p_\\text{data}}[\\log D(x)] + \\mathbb{E}_{z}[\\log(1 - D(G(z)))]$$

On the plane the real samples are one colour and $G$'s samples the other; the shading is $D(x)$,
toward the real colour where $D$ says "real" ($D > \\tfrac12$) and toward the generated colour where
it says "fake"; each arrow shows where the generator's loss pushes a sample
($-\\partial L_G/\\partial x$, through $D$). The grid is the **manifold**: $G$ applied to a grid of
noise values, so you see how $G$ folds and stretches the noise onto the data.

## Alternating steps
One iteration trains $D$ for $k_D$ steps, then $G$ for $k_G$ steps, each on a fresh batch. $D$'s step
is a binary classifier's, real labelled $1 - \\varepsilon$ (label smoothing, $\\varepsilon = 0$ by
default) and fake labelled 0, with the logits $a$:

$$L_D = \\text{BCE}(a(x), 1 - \\varepsilon) + \\text{BCE}(a(G(z)), 0)$$

In $G$'s step the gradient flows back *through* $D$ into $G$, but only $G$'s optimizer steps: $D$'s
weights stay where they are. Each network has its own optimizer and learning rate (Adam with
$\\beta_1 = 0.5$, the usual GAN choice, by default; its $\\varepsilon$ follows the Keras/PyTorch switch,
as does the initialization).

## Why the minimax loss stalls early
Taken literally, the game asks $G$ to *minimize* $\\log(1 - D(G(z)))$. Early on $D$ wins easily and
$D(G(z)) \\approx 0$, where this curve is flat: with $D = \\sigma(a)$,

$$\\frac{\\partial}{\\partial a} \\log(1 - \\sigma(a)) = -\\sigma(a) = -D(G(z)), \\qquad \\frac{\\partial}{\\partial a} \\big(-\\log \\sigma(a)\\big) = -(1 - D(G(z)))$$

So the minimax gradient is as small as $D(G(z))$ itself, just when $G$ is worst. The
**non-saturating** loss $-\\log D(G(z))$ has the same fixed point but a gradient of size
$1 - D(G(z))$, large when $G$ is losing. The chart plots both against $D(G(z))$ (the core's
autograd), with the current samples on the curves. Switch the generator loss to minimax and watch
the samples barely move at the start. GAN Lab fixes the non-saturating form; here you can compare.

## Mode collapse, counted
A generator can win against the current $D$ by putting all its samples where $D$ is weakest, on
one or two modes of the data, then hop to another when $D$ catches up. The page counts the modes
covered: each shown sample goes to its nearest mode and counts there when it lies within
$2.5\\sigma$; a mode is covered when it has at least a quarter of its fair share of the samples (the
core's \`pg.gan.modeCoverage\`). Try SGD for both networks, or several G steps per D step.

## Beyond two dimensions: digits
Pick the digits target: $G$ now makes 14 × 14 images (196 sigmoid outputs) from the same small
noise, and $D$ reads 196 pixels. The samples from fixed noise are shown as they improve, beside
real digits and $D$'s score for each; with 2-D noise the manifold is a grid of images, digits
morphing into each other.

## Read the numbers
$L_D$ near $2 \\log 2 = 1.386$ and $D \\approx \\tfrac12$ on both real and fake mean $D$ cannot tell them
apart: the equilibrium. $L_D \\to 0$ means $D$ has won and $G$'s gradients (minimax) vanish. A
diverging game (learning rates too high) stops with the message that says which loss went
non-finite; lower the rates and it starts again.
`;
