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
	}
	return nil
}

// MarshalValue encodes the record's typed value as JSON, the form stores
// keep beside the raw bytes.
func (r *Record) MarshalValue() ([]byte, error) {
	v := r.Value()
	if v == nil {
		return nil, fmt.Errorf("record %s: no value for kind %q", r.Path, r.Kind)
	}
	return json.Marshal(v)
}

// UnmarshalValue decodes data (from MarshalValue) into the typed field that
// matches r.Kind.
func (r *Record) UnmarshalValue(data []byte) error {
	var target any
	switch r.Kind {
	case KindNews:
		r.Article = new(Article)
		if decodeArticle(data, r.Article) == nil {
			return nil
		}
		r.Article = new(Article)
		target = r.Article
	case KindPerson, KindPeopleList:
		r.Person = new(Person)
		target = r.Person
	case KindEvent:
		r.Event = new(Event)
		target = r.Event
	case KindLearning, KindLearningList:
		r.Learning = new(Learning)
		target = r.Learning
	case KindNewsletter:
		r.Newsletter = new(Newsletter)
		target = r.Newsletter
	case KindTopic:
		r.Topic = new(Topic)
		target = r.Topic
	case KindOrganization:
		r.Organization = new(Organization)
		target = r.Organization
	case KindConfig:
		r.Config = new(Config)
		target = r.Config
	case KindSources:
		r.Sources = new(Sources)
		target = r.Sources
	case KindDecisions:
		r.Decisions = new(Decisions)
		target = r.Decisions
	default:
		return fmt.Errorf("record %s: unknown kind %q", r.Path, r.Kind)
	}
	if err := json.Unmarshal(data, target); err != nil {
		return fmt.Errorf("record %s: decode value: %w", r.Path, err)
	}
	return nil
}
