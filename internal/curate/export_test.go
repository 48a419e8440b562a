package curate

// KeepWholeWindows makes c keep the stored records of its batches' windows
// whole rather than as lean copies, and decode them page records at a
// time (0: the default): for comparing the two.
func KeepWholeWindows(c *Curator, whole bool, page int) { c.fullWindow, c.windowPage = whole, page }

// ReadStoriesInTurn makes c read the stored stories it settles one after
// another as it comes to each, rather than ahead on a goroutine of their
// own: for comparing the two.
func ReadStoriesInTurn(c *Curator) { c.inTurn = true }
