package admin

import (
	"errors"
	"html/template"

	"newshub/internal/ingest/sources"
	"newshub/internal/model"
)

// A form refused for one of its fields says which, so a screen reader
// user knows what to fix (WCAG 3.3.1, 3.3.3): the page it leads back to
// marks the field invalid, describes it by the message, gives it the
// focus, and fills the form again with what was typed.

// flashID is the element id of a page's message.
const flashID = "flash"

// fieldError is a form refused for one field: id is the field's element
// id on the page the form is on.
type fieldError struct {
	id  string
	err error
}

func (e *fieldError) Error() string { return e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

// sourceFields are the element ids of the fields of the form that adds a
// source, by the name sources.yaml gives what each holds.
var sourceFields = map[string]string{"url": "src-url", "interval": "src-interval"}

// fieldOf returns the element id of the field err is about, "" when it
// is about none.
func fieldOf(err error) string {
	var fe *fieldError
	if errors.As(err, &fe) {
		return fe.id
	}
	var se *sources.FieldError
	if errors.As(err, &se) {
		return sourceFields[se.Field]
	}
	return ""
}

// Invalid returns the attributes of the field with element id id: when
// the message is about it, marked invalid, described by the message and
// given the focus.
func (f flash) Invalid(id string) template.HTMLAttr {
	if !f.Error || f.Field != id {
		return ""
	}
	return ` aria-invalid="true" aria-describedby="` + flashID + `" autofocus`
}

// Value returns what the field with element id id held when its form was
// refused.
func (f flash) Value(id string) string { return f.Typed[id] }

// typedURL is a typed feed address to fill a form with again: not one
// with secrets (a password, a key), which the area's pages never show.
func typedURL(u string) string {
	if model.MaskURL(u) != u {
		return ""
	}
	return u
}
