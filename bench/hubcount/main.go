// Command hubcount prints the news records a hub's store holds and the
// distinct canonical URLs among them, for the ingest benchmarks: the two
// are equal when no article was stored twice.
//
//	hubcount DSN   (sqlite:PATH or postgres://…)
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/postgres"
	"newshub/internal/store/sqlite"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: hubcount DSN")
	}
	ctx := context.Background()
	st, err := open(ctx, os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	news, urls := 0, map[string]bool{}
	err = st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		news++
		urls[r.Article.CanonicalURL] = true
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d news, %d distinct canonical URLs\n", news, len(urls))
}

func open(ctx context.Context, dsn string) (store.Store, error) {
	if postgres.IsDSN(dsn) {
		return postgres.Open(ctx, dsn)
	}
	return sqlite.Open(ctx, strings.TrimPrefix(dsn, "sqlite:"))
}
