package live

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestAddRemoveList(t *testing.T) {
	a, b, c := new(int), new(int), new(int)
	Add(a)
	Add(b)
	Add(b) // twice: listed once
	Add(c)
	Remove(a)
	Remove(a) // unknown: nothing happens
	got := List()
	if len(got) != 2 || !contains(got, b) || !contains(got, c) || contains(got, a) {
		t.Fatalf("List = %v, want b and c", got)
	}
	Remove(b)
	Remove(c)
	if got := List(); len(got) != 0 {
		t.Fatalf("List after removing all = %v, want empty", got)
	}
}

func contains(xs []any, x any) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
