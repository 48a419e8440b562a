# Sourced by the benchmarks that ingest bench/feedserver's feeds.
# feed_site DIR: make a site in DIR for them, topic Election, with the
# loopback addresses the feeds are served on allowed.
feed_site() {
  mkdir -p "$1/_data/topics"
  cat > "$1/_config.yml" <<YAML
title: Bench hub
url: "https://bench.example.org"
baseurl: ""
topic: Election
allow_private_networks: true
YAML
  cat > "$1/_data/topics/01-election.yaml" <<YAML
taxonomy: topic
_id: election
name: Election
YAML
}
