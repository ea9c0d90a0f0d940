package central

import "context"

// SetBeforeCommit sets a function that runs when a batch is merged but not
// yet committed; nil removes it.
func SetBeforeCommit(f func(context.Context)) { testHookBeforeCommit = f }
