// Package openapi holds the OpenAPI 3.1 document of newshub's public API:
// the JSON documents and feeds package publish serves and builds, the
// search API and the health check. The document is written by hand in
// openapi.json and embedded in the binary; the tests check what a real
// server answers against it, and that every path the publisher writes is
// in it.
package openapi

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"strings"
)

// Path is where the document is published, relative to the hub's base URL.
const Path = "api/openapi.json"

//go:embed openapi.json
var document []byte

// serverURL is the placeholder server of openapi.json that Document
// replaces with the hub's base URL.
const serverURL = `"url": "https://hub.example.org"`

// Document returns the OpenAPI document with baseURL (the absolute URL the
// API and feeds live under, as publish.Hub.BaseURL gives it) as its server.
// An empty baseURL leaves the placeholder server in place.
func Document(baseURL string) []byte {
	baseURL = strings.TrimSuffix(baseURL, "/")
	if baseURL == "" {
		return bytes.Clone(document)
	}
	u, _ := json.Marshal(baseURL) // a string always encodes
	return bytes.Replace(document, []byte(serverURL), append([]byte(`"url": `), u...), 1)
}
