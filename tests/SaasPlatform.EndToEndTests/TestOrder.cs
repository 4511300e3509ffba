// The end-to-end collections each start a whole platform (one with a single instance of every service, one with two
// replicas): one after the other, or the two would compete for the machine's cores and every timing would suffer.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
