package cli

import (
	"context"
	"fmt"
	"time"

	"newshub/internal/gen"
	"newshub/internal/progress"
)

// runGen writes a synthetic site.
func runGen(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("gen")
	articles := fs.Int("articles", 1000, "number of news articles")
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same site, byte for byte")
	until := fs.String("until", gen.DefaultUntil().Format(time.DateOnly),
		"newest publication date (YYYY-MM-DD); news spreads over the six months before it")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("want one output folder, got %d arguments", fs.NArg())
	}
	if *articles < 0 {
		return usageError("--articles must not be negative")
	}
	end, err := time.Parse(time.DateOnly, *until)
	if err != nil {
		return usageError("--until %q: want YYYY-MM-DD", *until)
	}
	_, err = generate(ctx, env, fs.Arg(0), gen.Options{Articles: *articles, Seed: *seed, Until: end})
	return err
}

// generate writes a synthetic site with a progress report and a summary.
func generate(ctx context.Context, env *Env, out string, opt gen.Options) (gen.Stats, error) {
	bar := progress.New(env.Stderr, "gen", "articles", int64(opt.Articles))
	opt.Progress = bar.Add
	start := time.Now()
	st, err := gen.Generate(ctx, out, opt)
	bar.Finish()
	if err != nil {
		return st, err
	}
	d := time.Since(start)
	fmt.Fprintf(env.Stdout, "generated %d files (%s) in %s: %d stories, %.1f MB, %.0f files/s; %d pictures in %s/, %.1f MB\n",
		st.Files, kindSummary(st.Kinds), round(d), st.Stories, float64(st.Bytes)/1e6, progress.Rate(int64(st.Files), d),
		st.Pictures, gen.PictureDir, float64(st.PictureBytes)/1e6)
	return st, nil
}
