"""CRM → Reportes: one module per report (its selector and computations), the shared filter
bar (`filters`), the SVG charts (`charts`) and the Excel and PDF writers."""
