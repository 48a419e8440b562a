package model

import (
	"encoding/json"
	"fmt"
)

// Value returns the typed value the record holds, or nil.
func (r *Record) Value() any {
	switch r.Kind {
	case KindNews:
		return r.Article
	case KindPerson, KindPeopleList:
		return r.Person
	case KindEvent:
		return r.Event
	case KindLearning, KindLearningList:
		return r.Learning
	case KindNewsletter:
		return r.Newsletter
	case KindTopic:
		return r.Topic
	case KindOrganization:
		return r.Organization
	case KindConfig:
		return r.Config
	case KindSources:
		return r.Sources
	case KindDecisions:
		return r.Decisions
	case KindOpaque:
		return r.Opaque
	}
	return nil
}

// NewValue sets the typed field that matches r.Kind to a new zero value
// and reports whether the kind has one.
func (r *Record) NewValue() bool {
	switch r.Kind {
	case KindNews:
		r.Article = new(Article)
	case KindPerson, KindPeopleList:
		r.Person = new(Person)
	case KindEvent:
		r.Event = new(Event)
	case KindLearning, KindLearningList:
		r.Learning = new(Learning)
	case KindNewsletter:
		r.Newsletter = new(Newsletter)
	case KindTopic:
		r.Topic = new(Topic)
	case KindOrganization:
		r.Organization = new(Organization)
	case KindConfig:
		r.Config = new(Config)
	case KindSources:
		r.Sources = new(Sources)
	case KindDecisions:
		r.Decisions = new(Decisions)
	case KindOpaque:
		r.Opaque = new(Opaque)
	default:
		return false
	}
	return true
}

// MarshalValue encodes the record's typed value as JSON, with the field
// names of the model's json tags. Stores keep this form beside the raw
// bytes, through store/codec, which also reads it back.
func (r *Record) MarshalValue() ([]byte, error) {
	v := r.Value()
	if v == nil {
		return nil, fmt.Errorf("record %s: no value for kind %q", r.Path, r.Kind)
	}
	return json.Marshal(v)
}
