"""A makemore-style character-level language model: Embedding → LSTM (or GRU) → Linear learns
which letter follows which in English words, then writes new words one letter at a time.

    python examples/char_rnn.py                    # an LSTM, 1,500 steps of 32 words: under a minute
    python examples/char_rnn.py --cell gru --steps 4000 --hidden 256   # longer, a GRU
    python examples/char_rnn.py --temperature 0.7  # safer, more word-like samples

With the `text` extra (pip install tinygrad_edu[text]) it learns from all 234,450 words of
Webster's Second International; without it, or with --sample-words, from the bundled sample
(2,345 words, which a 128-unit LSTM soon learns by heart: watch the validation loss turn up).
Writes the loss curve to char_rnn_loss.png (with matplotlib).
"""
from __future__ import annotations

import argparse

from tinygrad_edu.data import load_words
from tinygrad_edu.recipes.language import plot_losses, train_char_rnn


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cell", choices=["lstm", "gru", "rnn"], default="lstm")
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--embedding", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--temperature", type=float, default=1.0)
    parser.add_argument("--samples", type=int, default=12)
    parser.add_argument("--sample-words", action="store_true", help="train on the bundled 2,345 words")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", default="char_rnn_loss.png", help="where to write the loss curve ('' for none)")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    words = load_words(full=False) if args.sample_words else load_words()
    run = train_char_rnn(words, cell=args.cell, embedding_dim=args.embedding, hidden_size=args.hidden,
                         steps=args.steps, batch_size=args.batch_size, lr=args.lr, seed=args.seed,
                         progress=not args.no_progress, samples=args.samples, temperature=args.temperature)
    first, last = run.evals[0], run.evals[-1]
    print(f"char {args.cell.upper()} on {len(words):,} words: validation loss {first[2]:.3f} → {last[2]:.3f} "
          f"nats per character after {args.steps} steps ({run.seconds:.0f} s of CPU)")
    print("sampled words:", " ".join(run.samples))
    if args.plot and plot_losses(run, args.plot, f"char {args.cell.upper()} on English words"):
        print("wrote", args.plot)
    return run


if __name__ == "__main__":
    main()
