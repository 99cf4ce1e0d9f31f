// Figures of issue 6 that need work still on other branches. Delete a line when its figure
// module lands (bench/README.md, "Adding a figure").
export default {
  name: 'pending',
  order: 1000,
  pending: [],  // every figure of issue 6 has its module now
  async cases() {
    return [];
  },
};
