package curate

// KeepWholeWindows makes c keep the stored records of its batches' windows
// whole rather than as lean copies, and decode them page records at a
// time (0: the default): for comparing the two.
func KeepWholeWindows(c *Curator, whole bool, page int) { c.fullWindow, c.windowPage = whole, page }
