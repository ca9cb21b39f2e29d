package store

import (
	"errors"
	"fmt"
	"sync"
)

// testConcurrentTokenNames: one name created at once through two
// handles (two replicas) by several callers: exactly one token gets it,
// every other caller is told the name is taken (not a bare SQL error).
func testConcurrentTokenNames(e *env) {
	handles := []Store{e.s, e.second()}
	const names, callers = 5, 6
	var (
		mu    sync.Mutex
		wins  = map[string]int{}
		wg    sync.WaitGroup
		other []error
	)
	for c := range callers {
		wg.Go(func() {
			s := handles[c%len(handles)]
			for n := range names {
				name := fmt.Sprint("ci-", n)
				_, err := s.CreateToken(e.ctx, fmt.Sprintf("hash-%d-%d", n, c), Token{Name: name, Role: RoleReader, CreatedAt: t0, CreatedBy: fmt.Sprint("caller-", c)})
				mu.Lock()
				switch {
				case err == nil:
					wins[name]++
				case !errors.Is(err, ErrTokenNameTaken):
					other = append(other, err)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, err := range other {
		e.t.Errorf("a losing creation failed with %v, want ErrTokenNameTaken", err)
	}
	for n := range names {
		if w := wins[fmt.Sprint("ci-", n)]; w != 1 {
			e.t.Errorf("ci-%d created %d times, want once", n, w)
		}
	}
	list, err := e.s.ListTokens(e.ctx)
	e.must(err)
	if len(list) != names {
		e.t.Errorf("%d tokens stored, want %d", len(list), names)
	}
}
